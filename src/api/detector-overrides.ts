import { parseDetectorSettings } from '../config/detector-settings.js';
import { ConfigError } from '../errors.js';
import type { DetectorConfig } from '../streams/index.js';
import { invalidRequest } from './api-errors.js';
import { formatIssuePath } from './zod-schemas.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** `base` with `overrides` merged in key by key; `window` (a tagged union) is replaced whole. */
function merge(base: Record<string, unknown>, overrides: Record<string, unknown>, depth: number) {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] =
      depth === 0 && key === 'window'
        ? value
        : isPlainObject(value) && isPlainObject(current)
          ? merge(current, value, depth + 1)
          : value;
  }
  return out;
}

/**
 * The detector settings of a request: `overrides` (a partial settings object, as in
 * `config/detectors.yaml`) over the configured `base`, validated like the settings file. Throws a 400
 * naming the setting (`detectors.window.size`) when an override is invalid.
 */
export function detectorsWithOverrides(base: DetectorConfig, overrides: Record<string, unknown> | undefined) {
  if (overrides === undefined || Object.keys(overrides).length === 0) return base;
  const merged = merge(base as unknown as Record<string, unknown>, overrides, 0);
  try {
    return parseDetectorSettings(merged, 'the request');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issue = (error.cause as { issues?: Array<{ path: PropertyKey[]; message: string }> } | undefined)
      ?.issues?.[0];
    const field = issue ? ['detectors', formatIssuePath(issue.path)].filter(Boolean).join('.') : 'detectors';
    const reason =
      issue?.message ??
      error.message
        .split('\n')
        .at(-1)
        ?.replace(/^\s*-\s*detectors:\s*/, '');
    throw invalidRequest(field, `${field}: ${reason}`, error);
  }
}
