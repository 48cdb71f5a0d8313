import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configErrorFrom } from '../../config/zod-issues.js';

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(1, `${what} must be >= 1`);

/**
 * Settings of the memory stage, mounted under `memory:` in the app config. Every key has a default.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `groupId` | `vigil-memory` | consumer group |
 * | `topK` | 5 | similar incidents per context (1–50) |
 * | `embedTimeoutMs` | 2000 | per-call budget of the embedder |
 * | `searchTimeoutMs` | 500 | per-call budget of the vector search |
 * | `breaker.failuresToOpen` | 5 | consecutive failures (errors or timeouts) that open a dependency's breaker |
 * | `breaker.resetTimeoutMs` | 60000 | time an open breaker waits before letting one trial call through |
 * | `correlation.labelKeys` | `[service, app]` | labels tried in order for the correlation key (then the series prefix before `.`) |
 * | `correlation.dependencyGroups` | `{}` | component group → services; a service in a group is keyed by the group |
 * | `excludeFalsePositives` | true | leave incidents marked false positive out of the search |
 * | `modelsDir` | `~/.cache/vigil/models` | where `npm run models:fetch` put the embedding model |
 * | `incidentsFile` | (the shipped sample) | incidents seeded into memory on first start |
 * | `vectorStore.backend` | `pglite` | `pglite` (embedded), `postgres` (pgvector, `postgresUrl`) or `qdrant` (`qdrantUrl`) |
 * | `vectorStore.dataDir` | none (in memory) | PGlite data folder |
 * | `vectorStore.table` / `collection` | `vigil_incidents` | table (pgvector) / collection (Qdrant) |
 */
export const memorySettingsSchema = z
  .object({
    groupId: z.string().min(1, 'groupId must not be empty').default('vigil-memory'),
    topK: positiveInt('topK').max(50, 'topK must be <= 50').default(5),
    embedTimeoutMs: positiveInt('embedTimeoutMs').default(2000),
    searchTimeoutMs: positiveInt('searchTimeoutMs').default(500),
    breaker: z
      .object({
        failuresToOpen: positiveInt('failuresToOpen').default(5),
        resetTimeoutMs: positiveInt('resetTimeoutMs').default(60_000),
      })
      .strict()
      .prefault({}),
    correlation: z
      .object({
        labelKeys: z
          .array(z.string().min(1, 'label keys must not be empty'), {
            error: 'labelKeys must be a list of label names',
          })
          .default(['service', 'app']),
        dependencyGroups: z
          .record(z.string(), z.array(z.string().min(1)), {
            error: 'dependencyGroups maps a group name to a list of services',
          })
          .default({}),
      })
      .strict()
      .prefault({}),
    excludeFalsePositives: z.boolean({ error: 'excludeFalsePositives must be true or false' }).default(true),
    modelsDir: z
      .string()
      .min(1)
      .default(join(homedir(), '.cache', 'vigil', 'models')),
    incidentsFile: z.string().min(1).optional(),
    vectorStore: z
      .object({
        backend: z
          .enum(['pglite', 'postgres', 'qdrant'], {
            error: 'backend must be "pglite", "postgres" or "qdrant"',
          })
          .default('pglite'),
        dataDir: z.string().min(1).optional(),
        postgresUrl: z.string().min(1).optional(),
        qdrantUrl: z.url({ error: 'qdrantUrl must be a URL, e.g. http://127.0.0.1:6333' }).optional(),
        table: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'table must be a plain SQL identifier')
          .default('vigil_incidents'),
        collection: z.string().min(1).default('vigil_incidents'),
      })
      .strict()
      .prefault({})
      .refine((s) => s.backend !== 'postgres' || s.postgresUrl, {
        message: 'backend "postgres" needs postgresUrl (or DATABASE_URL)',
      })
      .refine((s) => s.backend !== 'qdrant' || s.qdrantUrl, {
        message: 'backend "qdrant" needs qdrantUrl (or QDRANT_URL)',
      }),
  })
  .strict();

/** Validated memory-stage settings. */
export type MemorySettings = z.output<typeof memorySettingsSchema>;
/** Memory-stage settings as written in a config file. */
export type MemorySettingsInput = z.input<typeof memorySettingsSchema>;

/** Validates `raw` (the `memory:` section) and fills defaults; errors name `memory.<key>` and `source`. */
export function parseMemorySettings(raw: unknown, source: string): MemorySettings {
  const parsed = memorySettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'memory');
  return Object.freeze(parsed.data);
}
