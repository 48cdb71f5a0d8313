import { API_KEY_ROLES, type ApiKeyRole } from '../../storage/api-key-store.js';

/** A role a caller can hold: viewer < operator < admin. */
export type Role = ApiKeyRole;

/** Roles, lowest first. */
export const ROLES: readonly Role[] = API_KEY_ROLES;

/** What a route asks for in `config.role`: a least role, or `public` for no authentication at all. */
export type RouteRole = Role | 'public';

/** Every valid `config.role` value. */
export const ROUTE_ROLES: readonly RouteRole[] = ['public', ...ROLES];

/** True when `value` is one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `value` is one of {@link ROUTE_ROLES}. */
export function isRouteRole(value: unknown): value is RouteRole {
  return value === 'public' || isRole(value);
}

/**
 * True when a caller holding `held` may use a route that needs `needed` (a role grants every lower one).
 *
 * @example hasRole('admin', 'operator') // true
 */
export function hasRole(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The highest of `roles`, or null when there is none. */
export function highestRole(roles: readonly Role[]): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (best === null || hasRole(role, best)) best = role;
  return best;
}
