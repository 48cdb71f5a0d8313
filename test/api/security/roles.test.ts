import { describe, expect, it } from 'vitest';
import { hasRole, highestRole, isRouteRole, ROLES } from '../../../src/api/security/roles.js';

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
  ] as const)('%s may use a route for %s: %s', (held, needed, expected) => {
    expect(hasRole(held, needed)).toBe(expected);
  });

  it('takes the highest role of a list, null for none', () => {
    expect(highestRole(['viewer', 'admin', 'operator'])).toBe('admin');
    expect(highestRole(['operator', 'viewer'])).toBe('operator');
    expect(highestRole([])).toBeNull();
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
  });

  it.each([
    ['public', true],
    ['viewer', true],
    ['admin', true],
    ['Admin', false],
    ['root', false],
    [undefined, false],
    [1, false],
  ])('route role %j is valid: %s', (value, expected) => {
    expect(isRouteRole(value)).toBe(expected);
  });
});
