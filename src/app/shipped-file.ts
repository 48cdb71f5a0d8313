import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder holding `config/`, `schemas/`, `package.json`). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Resolves a settings path: the shipped default (e.g. `config/rules.yaml`, given as `shippedDefault`) is
 * read from the package, so `vigil` works from any working directory; any other relative path is relative
 * to the working directory, as the operator wrote it.
 */
export function resolveSettingsPath(path: string, shippedDefault: string): string {
  if (isAbsolute(path)) return path;
  return path === shippedDefault ? resolve(PACKAGE_ROOT, path) : resolve(path);
}
