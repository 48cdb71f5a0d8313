import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { deepFreeze, readYamlFile } from '../yaml-file.js';

/** Remediation actions a runbook step can simulate. */
export const REMEDIATION_ACTIONS = [
  'restart',
  'scale',
  'rollback-deploy',
  'clear-queue',
  'failover',
  'failback',
  'drain',
  'undrain',
  'flush-cache',
  'throttle',
  'unthrottle',
] as const;

/** One of {@link REMEDIATION_ACTIONS}. */
export type RemediationAction = (typeof REMEDIATION_ACTIONS)[number];

const actionSchema = z.enum(REMEDIATION_ACTIONS, {
  error: `must be one of ${REMEDIATION_ACTIONS.join(', ')}`,
});
const paramsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]), {
    error: 'params map names to strings, numbers or booleans',
  })
  .default({});

const stepSchema = z
  .object({
    name: z
      .string({ error: 'every step needs a name' })
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_", "-"'),
    action: actionSchema,
    params: paramsSchema,
    /** How to undo the step when the runbook is rolled back; absent = nothing to undo. */
    undo: z.object({ action: actionSchema, params: paramsSchema }).strict().optional(),
  })
  .strict();

const runbookSchema = z
  .object({
    id: z
      .string({ error: 'every runbook needs an id' })
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_", "-"'),
    description: z.string().default(''),
    blastRadius: z
      .number({ error: 'must be a number in [0, 1] (share of the service touched)' })
      .min(0, 'must be in [0, 1]')
      .max(1, 'must be in [0, 1]'),
    verifyWithinMs: z
      .number({ error: 'must be a number of milliseconds' })
      .int('must be an integer')
      .positive('must be > 0')
      .optional(),
    steps: z.array(stepSchema, { error: 'steps must be a list' }).min(1, 'needs at least one step'),
  })
  .strict();

const runbooksFileSchema = z
  .object({
    runbooks: z
      .array(runbookSchema, { error: 'runbooks must be a list' })
      .min(1, 'needs at least one runbook'),
  })
  .strict();

/** One runbook step. */
export type RunbookStep = z.output<typeof stepSchema>;
/** One runbook: ordered steps, blast radius in [0, 1], optional verification deadline. */
export type Runbook = z.output<typeof runbookSchema>;

/** Runbooks by id. */
export interface RunbookCatalog {
  readonly runbooks: ReadonlyMap<string, Runbook>;
}

function issuePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === 'runbooks' && typeof path[1] === 'number') {
    const entry = (raw as { runbooks?: unknown[] } | null)?.runbooks?.[path[1]] as
      | { id?: unknown }
      | undefined;
    const label = typeof entry?.id === 'string' ? `runbook "${entry.id}"` : `runbook #${path[1] + 1}`;
    const rest = path.slice(2).map(String).join('.');
    return rest ? `${label} field ${rest}` : label;
  }
  return path.map(String).join('.') || '(root)';
}

/** Validates a runbooks document; errors name the runbook and field. */
export function parseRunbooks(raw: unknown, source: string): RunbookCatalog {
  const parsed = runbooksFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${issuePath(raw, i.path)}: ${i.message}`);
    throw new ConfigError(`invalid runbooks in ${source}:\n${lines.join('\n')}`, { cause: parsed.error });
  }
  const runbooks = new Map<string, Runbook>();
  for (const r of parsed.data.runbooks) {
    if (runbooks.has(r.id))
      throw new ConfigError(`invalid runbooks in ${source}:\n  - runbook "${r.id}": duplicate id`);
    const names = new Set<string>();
    for (const s of r.steps) {
      if (names.has(s.name)) {
        throw new ConfigError(
          `invalid runbooks in ${source}:\n  - runbook "${r.id}" field steps: duplicate step ${s.name}`,
        );
      }
      names.add(s.name);
    }
    runbooks.set(r.id, deepFreeze(r));
  }
  return Object.freeze({ runbooks });
}

/** Reads and validates a runbooks file (YAML or JSON). */
export function loadRunbooksFile(path: string): RunbookCatalog {
  return parseRunbooks(readYamlFile(path, 'runbooks'), path);
}
