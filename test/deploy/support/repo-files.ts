import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Text of a repository file. */
export const readRepoFile = (path: string): string => readFileSync(join(REPO, path), 'utf8');

/** Whether a repository path (file or folder) exists. */
export const repoPathExists = (path: string): boolean => existsSync(join(REPO, path));

/** Files of a repository folder (names only). */
export const repoFolder = (path: string): string[] => readdirSync(join(REPO, path));

/** A repository YAML file, parsed with merge keys (`<<`) as Compose reads them; throws on any YAML error. */
export function readRepoYaml(path: string): unknown {
  return parse(readRepoFile(path), { merge: true, uniqueKeys: true, prettyErrors: true });
}

/** A plain object, or a failure naming `what`. */
export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} is not a mapping`);
  return value as Record<string, unknown>;
}
