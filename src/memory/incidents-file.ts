import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configErrorFrom } from '../config/zod-issues.js';
import { ConfigError } from '../errors.js';
import { type Incident, incidentFileEntrySchema, incidentFromEntry } from './incident.js';

/** The sample incidents shipped with Vigil (about 30 realistic past incidents). */
export const SAMPLE_INCIDENTS_FILE = fileURLToPath(
  new URL('../../config/incidents/sample-incidents.yaml', import.meta.url),
);

const fileSchema = z
  .object({ incidents: z.array(incidentFileEntrySchema, { error: 'incidents must be a list' }) })
  .strict();

/**
 * Validates incidents (the parsed content of an incidents file: `{ incidents: [...] }`). Throws a
 * ConfigError naming each bad field (e.g. `incidents.3.direction: direction must be "up" or "down"`) and
 * duplicate ids.
 */
export function parseIncidents(raw: unknown, source: string): Incident[] {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw configErrorFrom(parsed.error, source);
  const seen = new Set<string>();
  const duplicates = parsed.data.incidents.map((i) => i.id).filter((id) => seen.size === seen.add(id).size);
  if (duplicates.length > 0) {
    throw new ConfigError(
      `invalid incidents in ${source}: duplicate ids ${[...new Set(duplicates)].join(', ')}`,
    );
  }
  return parsed.data.incidents.map(incidentFromEntry);
}

/** Reads and validates an incidents YAML (or JSON) file. */
export function loadIncidentsFile(path: string = SAMPLE_INCIDENTS_FILE): Incident[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read incidents file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseIncidents(raw, path);
}
