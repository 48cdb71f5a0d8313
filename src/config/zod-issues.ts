import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Turns zod issues into one ConfigError whose message lists each failing setting by its dotted path,
 * what is wrong, and where the value came from, so the operator knows what to fix.
 */
export function configErrorFrom(error: z.ZodError, source: string, prefix = ''): ConfigError {
  const lines = error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `  - ${path || '(root)'}: ${issue.message}`;
  });
  return new ConfigError(`invalid configuration in ${source}:\n${lines.join('\n')}`, { cause: error });
}
