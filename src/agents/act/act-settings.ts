import { z } from 'zod';
import { deepFreeze } from '../../actions/yaml-file.js';
import { configErrorFrom } from '../../config/zod-issues.js';

const ms = (what: string) =>
  z
    .number({ error: `${what} must be a number of milliseconds` })
    .int(`${what} must be an integer`)
    .positive(`${what} must be > 0`);
const failureActions = ['dead-letter', 'skip', 'fail'] as const;

const breakerSchema = z
  .object({
    errorThresholdPercentage: z
      .number()
      .min(1, 'errorThresholdPercentage must be in [1, 100]')
      .max(100, 'errorThresholdPercentage must be in [1, 100]')
      .default(50),
    volumeThreshold: z.number().int().min(1, 'volumeThreshold must be >= 1').default(5),
    resetTimeoutMs: ms('resetTimeoutMs').default(30_000),
    rollingWindowMs: ms('rollingWindowMs').default(60_000),
  })
  .strict();

const retrySchema = z
  .object({
    maxAttempts: z
      .number()
      .int()
      .min(1, 'maxAttempts must be >= 1')
      .max(10, 'maxAttempts must be <= 10')
      .default(3),
    baseDelayMs: ms('baseDelayMs').default(250),
    maxDelayMs: ms('maxDelayMs').default(5_000),
  })
  .strict();

const url = z.string({ error: 'must be a URL string' }).min(1, 'must not be empty');

const notifiersSchema = z
  .object({
    /** Hosts notifiers may POST to (exact or `*.domain`). A destination on any other host is refused. */
    allowedHosts: z
      .array(z.string().min(1))
      .default(['hooks.slack.com', 'events.pagerduty.com', 'events.eu.pagerduty.com']),
    allowPlainHttp: z.boolean().default(false),
    slack: z.object({ webhookUrl: url }).strict().optional(),
    pagerduty: z
      .object({
        routingKey: z.string().min(1, 'routingKey must not be empty'),
        eventsUrl: url.optional(),
        source: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    webhooks: z
      .record(
        z.string(),
        z
          .object({
            url,
            secret: z.string().min(16, 'secret must have at least 16 characters').optional(),
            headers: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .superRefine((hooks, ctx) => {
        for (const name of Object.keys(hooks)) {
          if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'webhook names use letters, digits, "_" and "-"',
            });
          }
        }
      })
      .default({}),
    timeoutMs: ms('timeoutMs').default(5_000),
    deliveryBudgetMs: ms('deliveryBudgetMs').default(15_000),
    retry: retrySchema.prefault({}),
    breaker: breakerSchema.prefault({}),
  })
  .strict();

/**
 * Settings of the action stage, mounted under `act:` in the app config. URLs and secrets of the
 * notifiers are passed in from the environment by the composition root.
 */
export const actSettingsSchema = z
  .object({
    groupId: z.string().min(1).default('vigil-act'),
    policiesFile: z.string().min(1).default('config/policies.yaml'),
    runbooksFile: z.string().min(1).default('config/runbooks.yaml'),
    /** Runbooks only rehearse (dry-run) unless this is false or a policy says `mode: execute`. */
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).default(true),
    /** Minimum event time between two alert updates of one incident. */
    cooldownMs: z.number().int().min(0, 'cooldownMs must be >= 0').default(900_000),
    /** Runbooks whose blast radius is strictly above this wait for approval (a policy may override). */
    approvalAboveBlastRadius: z
      .number()
      .min(0, 'approvalAboveBlastRadius must be in [0, 1]')
      .max(1, 'approvalAboveBlastRadius must be in [0, 1]')
      .default(0.25),
    /** Default verification deadline after execution (event time), when the runbook sets none. */
    verifyWithinMs: ms('verifyWithinMs').default(600_000),
    notifiers: notifiersSchema.prefault({}),
    store: z
      .object({ timeoutMs: ms('timeoutMs').default(3_000), breaker: breakerSchema.prefault({}) })
      .strict()
      .prefault({}),
    failurePolicy: z
      .object({
        decode: z.enum(failureActions).default('dead-letter'),
        handler: z.enum(failureActions).default('dead-letter'),
        produce: z.enum(['retry', 'fail']).default('retry'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Validated action-stage settings. */
export type ActSettings = z.output<typeof actSettingsSchema>;
/** Action-stage settings as written (every key optional). */
export type ActSettingsInput = z.input<typeof actSettingsSchema>;

/** Validates `raw` (the `act:` section), fills defaults and freezes; errors name each setting (`act.…`). */
export function parseActSettings(raw: unknown, source: string): ActSettings {
  const parsed = actSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'act');
  return deepFreeze(parsed.data);
}
