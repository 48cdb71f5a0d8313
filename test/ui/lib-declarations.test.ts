import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLibModules, libModules } from './support/lib-declarations.js';

describe('UI modules (src/ui/static/lib/*.js)', () => {
  it('type-check against their JSDoc, and their .d.ts files are current', () => {
    const { diagnostics, declarations } = checkLibModules();
    expect(diagnostics, 'JSDoc type errors in src/ui/static/lib').toEqual([]);
    expect([...declarations.keys()].sort()).toEqual(
      libModules().map((file) => file.replace(/\.js$/, '.d.ts')),
    );
    for (const [file, text] of declarations) {
      expect(
        readFileSync(file, 'utf8'),
        `${file} is stale: run npx tsx test/ui/support/lib-declarations.ts --write`,
      ).toBe(text);
    }
  }, 60_000);
});
