import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';

/**
 * Reads a YAML (or JSON) file into plain data. Throws a ConfigError naming the file, what it is for and
 * the setting that points at it, when it cannot be read or parsed.
 */
export function readYamlFile(path: string, what: string, setting: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(error as Error).message}; check ${setting}`, {
      cause: error,
    });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${what} ${path} is not valid YAML/JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
