import { z } from 'zod';
import { configErrorFrom } from '../../config/zod-issues.js';
import { DEFAULT_API_KEY_ENV, DEFAULT_BASE_URLS } from '../../reasoning/llm/providers.js';

const failureActions = ['dead-letter', 'skip', 'fail'] as const;
const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(1, `${what} must be >= 1`);
const weight = (what: string) =>
  z.number({ error: `${what} must be a number` }).min(0, `${what} must be >= 0`);
const labelKey = z.string().min(1, 'label keys must not be empty');

/**
 * Schema of the reasoning stage's settings (mounted under `reason:` in the app config). Every key is
 * optional; times are in milliseconds.
 */
export const reasonSettingsSchema = z
  .object({
    /** Consumer group of the stage. */
    groupId: z.string().min(1, 'groupId must not be empty').default('vigil-reason'),
    /** Correlation window (event time): anomalies this close join one incident; idle incidents close. */
    correlationWindowMs: positiveInt('correlationWindowMs').default(600_000),
    grouping: z
      .object({
        /** true: every anomaly of a correlation key within the window joins its open incident. */
        byCorrelationKey: z.boolean({ error: 'byCorrelationKey must be true or false' }).default(true),
        /** Labels whose equal values relate anomalies (when byCorrelationKey is false). */
        labelKeys: z.array(labelKey).default(['service', 'host']),
        /** Labels tried in order for an anomaly's component. */
        componentLabelKeys: z
          .array(labelKey)
          .min(1, 'componentLabelKeys needs at least one key')
          .default(['service', 'component', 'app']),
        /** Label holding the metric name. */
        metricLabelKey: labelKey.default('metric'),
        /** Components within this many call-graph edges are related. */
        graphLinkHops: positiveInt('graphLinkHops').default(1),
        maxOpenIncidentsPerKey: positiveInt('maxOpenIncidentsPerKey').default(16),
        maxAnomaliesPerIncident: positiveInt('maxAnomaliesPerIncident').default(200),
      })
      .strict()
      .prefault({}),
    /** Rules file (YAML). */
    rulesFile: z.string().min(1, 'rulesFile must not be empty').default('config/rules.yaml'),
    /** Optional dependency graph file (YAML, `calls: {caller: [callee…]}`). */
    dependencyGraphFile: z.string().min(1, 'dependencyGraphFile must not be empty').optional(),
    ranking: z
      .object({
        weights: z
          .object({
            onset: weight('onset').default(0.35),
            deviation: weight('deviation').default(0.4),
            upstream: weight('upstream').default(0.25),
          })
          .strict()
          .prefault({})
          .refine((w) => w.onset + w.deviation + w.upstream > 0, 'at least one ranking weight must be > 0'),
        /** Onset lag after which a component gets no onset credit. */
        onsetHorizonMs: positiveInt('onsetHorizonMs').default(300_000),
      })
      .strict()
      .prefault({}),
    /** Hypotheses per event (most confident first). */
    maxHypotheses: positiveInt('maxHypotheses').default(5),
    /** Similar past incidents per event (most similar first). */
    similarLimit: positiveInt('similarLimit').default(5),
    failurePolicy: z
      .object({
        decode: z.enum(failureActions).default('dead-letter'),
        handler: z.enum(failureActions).default('dead-letter'),
        produce: z.enum(['retry', 'fail']).default('retry'),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        enabled: z.boolean({ error: 'enabled must be true or false' }).default(false),
        provider: z
          .enum(['openai', 'anthropic'], { error: 'provider must be "openai" or "anthropic"' })
          .default('openai'),
        /** Default: https://api.openai.com/v1 (openai) or https://api.anthropic.com (anthropic). */
        baseUrl: z.url('baseUrl must be an http(s) URL').optional(),
        model: z.string().min(1, 'model must not be empty').optional(),
        /** Environment variable holding the API key. Default OPENAI_API_KEY / ANTHROPIC_API_KEY. */
        apiKeyEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'apiKeyEnv must be an environment variable name')
          .optional(),
        /** Per-HTTP-call timeout. */
        timeoutMs: positiveInt('timeoutMs').default(10_000),
        /** Budget of all attempts and backoff delays for one incident revision. */
        budgetMs: positiveInt('budgetMs').default(25_000),
        maxTokens: positiveInt('maxTokens').default(1024),
        breaker: z
          .object({
            failureThreshold: positiveInt('failureThreshold').default(5),
            resetTimeoutMs: positiveInt('resetTimeoutMs').default(60_000),
          })
          .strict()
          .prefault({}),
        retry: z
          .object({
            tries: positiveInt('tries').default(3),
            baseDelayMs: positiveInt('baseDelayMs').default(1000),
            maxDelayMs: positiveInt('maxDelayMs').default(60_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({})
      .superRefine((llm, ctx) => {
        if (llm.enabled && !llm.model) {
          ctx.addIssue({
            code: 'custom',
            path: ['model'],
            message: 'model is required when llm.enabled is true',
          });
        }
        if (llm.timeoutMs > llm.budgetMs) {
          ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: 'timeoutMs must be <= budgetMs' });
        }
      }),
  })
  .strict();

/** Settings as written (all optional). */
export type ReasonSettingsInput = z.input<typeof reasonSettingsSchema>;

type Parsed = z.output<typeof reasonSettingsSchema>;

/** Validated, frozen settings; `llm.baseUrl` and `llm.apiKeyEnv` resolved for the provider. */
export type ReasonSettings = Omit<Parsed, 'llm'> & {
  readonly llm: Omit<Parsed['llm'], 'baseUrl' | 'apiKeyEnv'> & {
    readonly baseUrl: string;
    readonly apiKeyEnv: string;
  };
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates the `reason` settings and fills the defaults. Throws a ConfigError naming each bad setting
 * (prefixed `reason.`) and `source`.
 *
 * @example parseReasonSettings({ llm: { enabled: true, provider: 'anthropic', model: 'claude-x' } }, 'vigil.yaml')
 */
export function parseReasonSettings(raw: unknown, source: string): ReasonSettings {
  const parsed = reasonSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'reason');
  const s = parsed.data;
  return deepFreeze({
    ...s,
    llm: {
      ...s.llm,
      baseUrl: s.llm.baseUrl ?? DEFAULT_BASE_URLS[s.llm.provider],
      apiKeyEnv: s.llm.apiKeyEnv ?? DEFAULT_API_KEY_ENV[s.llm.provider],
    },
  });
}
