import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';

/**
 * Reads a YAML (or JSON) file for a settings loader. Throws a ConfigError that names `what` and the path
 * when the file cannot be read or parsed.
 */
export function readYamlFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what} file ${path}: ${(error as Error).message}; check the path`, {
      cause: error,
    });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${what} file ${path} is not valid YAML/JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Freezes `value` and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
