import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { actSettingsSchema } from '../agents/act/act-settings.js';
import { memorySettingsSchema } from '../agents/memory/memory-settings.js';
import { reasonChangelogTopic } from '../agents/reason/reason-binding.js';
import {
  parseReasonSettings,
  type ReasonSettings,
  reasonSettingsSchema,
} from '../agents/reason/reason-settings.js';
import { type ApiSettings, apiSettingsSchema } from '../api/api-settings.js';
import { type AuthSecrets, readAuthSecrets } from '../api/security/auth-settings.js';
import { ConfigError } from '../errors.js';
import {
  TRACING_ENVIRONMENT_VARIABLES,
  tracingFromEnvironment,
  tracingSettingsSchema,
} from '../observability/tracing-settings.js';
import type { DetectorConfig } from '../streams/index.js';
import { loadDetectorSettingsFile, parseDetectorSettings } from './detector-settings.js';
import { configErrorFrom } from './zod-issues.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const failureActions = ['dead-letter', 'skip', 'fail'] as const;

const topicName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,200}$/, 'topic names use letters, digits, ".", "_" and "-" (at most 200 chars)');

const appConfigSchema = z
  .object({
    kafka: z
      .object({
        brokers: z
          .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker is host:port'))
          .min(1)
          .optional(),
        clientId: z.string().min(1).default('vigil'),
        replicationFactor: z.number().int().min(-1).default(-1),
        ssl: z.boolean().default(false),
        /** PEM file of the CA certificates that signed the brokers' certificates; implies `ssl`. */
        sslCaFile: z.string().min(1).optional(),
        sasl: z
          .object({
            mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
            username: z.string().min(1),
            /** Environment variable holding the password; the password itself never goes in the config. */
            passwordEnv: z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'passwordEnv must be an environment variable name')
              .default('KAFKA_SASL_PASSWORD'),
            password: z
              .never({
                error: 'put the password in the environment (KAFKA_SASL_PASSWORD or kafka.sasl.passwordEnv)',
              })
              .optional(),
          })
          .strict()
          .optional(),
        transactionTimeoutMs: z.number().int().min(1000).default(60_000),
        sessionTimeoutMs: z.number().int().min(6000).default(30_000),
        /** Bytes fetched per partition per batch; a batch is one checkpoint (transaction). */
        fetchMaxBytesPerPartition: z
          .number()
          .int()
          .min(1024)
          .default(8 * 1024 * 1024),
        /** Partitions a stage processes at the same time. */
        partitionsConcurrently: z.number().int().min(1).max(64).default(3),
      })
      .strict()
      .prefault({}),
    schemaRegistry: z
      .object({ url: z.url('schemaRegistry.url must be an http(s) URL').optional() })
      .strict()
      .prefault({}),
    topics: z
      .object({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9._-]*$/, 'prefix uses letters, digits, ".", "_" and "-"')
          .default(''),
        metrics: topicName.default('metrics'),
        anomalies: topicName.default('anomalies'),
        contexts: topicName.default('contexts'),
        hypotheses: topicName.default('hypotheses'),
        actions: topicName.default('actions'),
        partitions: z.number().int().min(1).max(1000).default(6),
        /**
         * `retention.ms` of the event and dead-letter topics Vigil creates (-1 = keep forever); unset = the
         * broker's default. Kafka deletes by record time: points with event times older than the retention
         * (historical data, backtests) are deleted at the broker's next retention check.
         */
        retentionMs: z.number().int().min(-1).optional(),
      })
      .strict()
      .prefault({}),
    detect: z
      .object({
        groupId: z.string().min(1).default('vigil-detect'),
        exactlyOnce: z.boolean().default(true),
        detectorsFile: z.string().min(1).optional(),
        detectors: z.unknown().optional(),
        failurePolicy: z
          .object({
            decode: z.enum(failureActions).default('dead-letter'),
            handler: z.enum(failureActions).default('dead-letter'),
            produce: z.enum(['retry', 'fail']).default('retry'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(logLevels).default('info') })
      .strict()
      .prefault({}),
    memory: memorySettingsSchema.prefault({}),
    reason: reasonSettingsSchema.prefault({}),
    act: actSettingsSchema.prefault({}),
    api: apiSettingsSchema.prefault({}),
    storage: z
      .object({
        /** PostgreSQL connection string of the incident store; unset = embedded PGlite. */
        databaseUrl: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'databaseUrl must be a postgres:// URL')
          .optional(),
        /** Schema (search_path) of the incident store tables on PostgreSQL; unset = the user's default. */
        schema: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'schema must be a lower-case SQL identifier')
          .optional(),
        /** Folder of the embedded PGlite incident store when no databaseUrl is set (Kafka mode). */
        dataDir: z.string().min(1).default('.vigil/incidents'),
      })
      .strict()
      .prefault({}),
    tracing: tracingSettingsSchema.prefault({}),
  })
  .strict();

type ParsedConfig = z.output<typeof appConfigSchema>;

/** Kafka connection settings with the SASL password and the CA certificates resolved. */
export type KafkaSettings = Omit<ParsedConfig['kafka'], 'sasl'> & {
  readonly sasl?: {
    readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    /** Read from the variable `kafka.sasl.passwordEnv` names; never logged. */
    readonly password: string;
  };
  /** Contents of `sslCaFile` (PEM); set exactly when it is. */
  readonly sslCa?: string;
};

/** Topic names after the prefix is applied. */
export interface TopicNames {
  readonly metrics: string;
  readonly metricsDeadLetter: string;
  readonly anomalies: string;
  readonly detectChangelog: string;
  readonly anomaliesDeadLetter: string;
  readonly contexts: string;
  readonly contextsDeadLetter: string;
  readonly hypotheses: string;
  readonly hypothesesDeadLetter: string;
  readonly actions: string;
  /** Compacted incident state of the reason stage, co-partitioned with `contexts`. */
  readonly reasonChangelog: string;
  /** Compacted dedup/cooldown/runbook state of the act stage, co-partitioned with `hypotheses`. */
  readonly actChangelog: string;
}

/** The whole, validated, frozen configuration. Nothing else in Vigil reads `process.env`. */
export interface AppConfig {
  /** `embedded`: in-process log (no servers). `kafka`: the brokers below. */
  readonly mode: 'embedded' | 'kafka';
  readonly kafka: KafkaSettings;
  readonly schemaRegistry: ParsedConfig['schemaRegistry'];
  readonly topics: ParsedConfig['topics'] & { readonly names: TopicNames };
  readonly detect: Omit<ParsedConfig['detect'], 'detectors'> & { readonly detectors: DetectorConfig };
  readonly log: ParsedConfig['log'];
  /** Memory stage settings (`memory:`, see docs/memory.md). */
  readonly memory: ParsedConfig['memory'];
  /** Reason stage settings (`reason:`, see docs/reasoning.md), LLM base URL and key variable resolved. */
  readonly reason: ReasonSettings;
  /** Act stage settings (`act:`, see docs/actions.md), notifier destinations from the environment. */
  readonly act: ParsedConfig['act'];
  /** Where the incident store lives (`storage:`). */
  readonly storage: ParsedConfig['storage'];
  /** The REST API (`api:`, see docs/api.md). */
  readonly api: ApiSettings;
  /** OpenTelemetry traces (`tracing:`, see docs/observability.md); off by default. */
  readonly tracing: ParsedConfig['tracing'];
  /** Secrets read from the environment; never logged. */
  readonly secrets: {
    /** Value of the variable named by `reason.llm.apiKeyEnv`, if set. */
    readonly llmApiKey: string | undefined;
    /** The JWT key `api.auth.jwt` names (secret or public key), read from its variable. */
    readonly apiAuth: AuthSecrets;
  };
}

/** Name of the generic webhook destination set by `VIGIL_WEBHOOK_URL` (policies notify `webhook:default`). */
export const DEFAULT_WEBHOOK_NAME = 'default';

/** Environment variables Vigil reads, and the config path each one sets. */
export const ENVIRONMENT_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  VIGIL_CONFIG: '(path of a YAML/JSON config file)',
  KAFKA_BROKERS: 'kafka.brokers (comma-separated host:port; unset = embedded in-process log)',
  KAFKA_CLIENT_ID: 'kafka.clientId',
  KAFKA_REPLICATION_FACTOR: 'kafka.replicationFactor',
  KAFKA_SSL: 'kafka.ssl (true/false)',
  KAFKA_SSL_CA_FILE: 'kafka.sslCaFile (PEM file of the CA certificates of the brokers; implies TLS)',
  KAFKA_SASL_MECHANISM: 'kafka.sasl.mechanism (plain, scram-sha-256, scram-sha-512)',
  KAFKA_SASL_USERNAME: 'kafka.sasl.username',
  KAFKA_SASL_PASSWORD: 'the SASL password (or the variable kafka.sasl.passwordEnv names)',
  KAFKA_SESSION_TIMEOUT_MS: 'kafka.sessionTimeoutMs (consumer group session timeout)',
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: 'kafka.fetchMaxBytesPerPartition (batch size = checkpoint size)',
  SCHEMA_REGISTRY_URL: 'schemaRegistry.url (Confluent-compatible API base URL)',
  VIGIL_TOPIC_PREFIX: 'topics.prefix',
  VIGIL_PARTITIONS: 'topics.partitions',
  VIGIL_TOPIC_RETENTION_MS: 'topics.retentionMs (retention.ms of created topics; -1 = forever)',
  VIGIL_DETECTORS: 'detect.detectorsFile',
  VIGIL_DETECT_GROUP: 'detect.groupId (consumer group of the detect stage)',
  VIGIL_EXACTLY_ONCE: 'detect.exactlyOnce (true/false; applies to every stage)',
  VIGIL_MEMORY_GROUP: 'memory.groupId (consumer group of the memory stage)',
  VIGIL_REASON_GROUP: 'reason.groupId (consumer group of the reason stage)',
  VIGIL_ACT_GROUP: 'act.groupId (consumer group of the act stage)',
  VIGIL_MODELS_DIR: 'memory.modelsDir (embedding model folder, filled by `npm run models:fetch`)',
  QDRANT_URL: 'memory.vectorStore.{backend: qdrant, qdrantUrl} (unset = pgvector in embedded PGlite)',
  DATABASE_URL: 'storage.databaseUrl (incident store on PostgreSQL; unset = PGlite in storage.dataDir)',
  VIGIL_DATA_DIR: 'storage.dataDir (PGlite incident store folder, default .vigil/incidents)',
  SLACK_WEBHOOK_URL: 'act.notifiers.slack.webhookUrl (Slack incoming webhook)',
  PAGERDUTY_ROUTING_KEY: 'act.notifiers.pagerduty.routingKey (PagerDuty Events API v2)',
  VIGIL_WEBHOOK_URL:
    'act.notifiers.webhooks.default.url (generic JSON webhook; policies notify it as webhook:default)',
  VIGIL_ALLOWED_HOSTS:
    'act.notifiers.allowedHosts (comma list added to the Slack/PagerDuty defaults; host or *.domain)',
  '<reason.llm.apiKeyEnv>':
    'the LLM API key, read from the variable the setting names (default OPENAI_API_KEY / ANTHROPIC_API_KEY)',
  LOG_LEVEL: 'log.level',
  PORT: 'api.port (port of the REST API, default 8080)',
  VIGIL_API_HOST: 'api.host (interface the REST API listens on, default 127.0.0.1)',
  ...TRACING_ENVIRONMENT_VARIABLES,
});

type Env = Readonly<Record<string, string | undefined>>;

function parseBool(name: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ConfigError(`environment variable ${name}=${JSON.stringify(value)} must be true or false`);
}

function parseInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new ConfigError(`environment variable ${name}=${JSON.stringify(value)} must be an integer`);
  return n;
}

type Raw = Record<string, Record<string, unknown>>;

function section(raw: Raw, name: string): Record<string, unknown> {
  const existing = raw[name];
  if (existing && typeof existing === 'object') return existing;
  raw[name] = {};
  return raw[name];
}

/** Sets `raw.<path>` to `value`, creating the objects on the way (keeps what the file has beside it). */
function setPath(raw: Raw, path: readonly string[], value: unknown): void {
  let node = raw as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (!child || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function getPath(raw: Raw, path: readonly string[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

/** Deep-merges `values` into `target`: objects are merged key by key, anything else replaces. */
function mergeInto(target: Record<string, unknown>, values: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(values)) {
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeInto(current, value);
    else if (isPlainObject(value)) {
      target[key] = {};
      mergeInto(target[key] as Record<string, unknown>, value);
    } else target[key] = value;
  }
}

const commaList = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** Overlays the environment on the raw file config. */
function applyEnvironment(raw: Raw, env: Env): void {
  const set = (sectionName: string, key: string, value: unknown) => {
    section(raw, sectionName)[key] = value;
  };
  if (env.KAFKA_BROKERS) set('kafka', 'brokers', commaList(env.KAFKA_BROKERS));
  if (env.KAFKA_CLIENT_ID) set('kafka', 'clientId', env.KAFKA_CLIENT_ID);
  if (env.KAFKA_REPLICATION_FACTOR)
    set('kafka', 'replicationFactor', parseInteger('KAFKA_REPLICATION_FACTOR', env.KAFKA_REPLICATION_FACTOR));
  if (env.KAFKA_SSL) set('kafka', 'ssl', parseBool('KAFKA_SSL', env.KAFKA_SSL));
  if (env.KAFKA_SSL_CA_FILE) set('kafka', 'sslCaFile', env.KAFKA_SSL_CA_FILE);
  // Any SASL variable turns SASL on; mechanism and username merge with the file's (the password stays in env).
  if (env.KAFKA_SASL_MECHANISM || env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
    if (!isPlainObject(getPath(raw, ['kafka', 'sasl']))) setPath(raw, ['kafka', 'sasl'], {});
    if (env.KAFKA_SASL_MECHANISM) setPath(raw, ['kafka', 'sasl', 'mechanism'], env.KAFKA_SASL_MECHANISM);
    if (env.KAFKA_SASL_USERNAME) setPath(raw, ['kafka', 'sasl', 'username'], env.KAFKA_SASL_USERNAME);
  }
  if (env.KAFKA_SESSION_TIMEOUT_MS) {
    set('kafka', 'sessionTimeoutMs', parseInteger('KAFKA_SESSION_TIMEOUT_MS', env.KAFKA_SESSION_TIMEOUT_MS));
  }
  if (env.KAFKA_FETCH_MAX_BYTES_PER_PARTITION) {
    const bytes = parseInteger(
      'KAFKA_FETCH_MAX_BYTES_PER_PARTITION',
      env.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    );
    set('kafka', 'fetchMaxBytesPerPartition', bytes);
  }
  if (env.SCHEMA_REGISTRY_URL) set('schemaRegistry', 'url', env.SCHEMA_REGISTRY_URL);
  if (env.VIGIL_TOPIC_PREFIX !== undefined) set('topics', 'prefix', env.VIGIL_TOPIC_PREFIX);
  if (env.VIGIL_PARTITIONS)
    set('topics', 'partitions', parseInteger('VIGIL_PARTITIONS', env.VIGIL_PARTITIONS));
  if (env.VIGIL_TOPIC_RETENTION_MS) {
    set('topics', 'retentionMs', parseInteger('VIGIL_TOPIC_RETENTION_MS', env.VIGIL_TOPIC_RETENTION_MS));
  }
  if (env.VIGIL_DETECTORS) set('detect', 'detectorsFile', env.VIGIL_DETECTORS);
  if (env.VIGIL_DETECT_GROUP) set('detect', 'groupId', env.VIGIL_DETECT_GROUP);
  if (env.VIGIL_EXACTLY_ONCE)
    set('detect', 'exactlyOnce', parseBool('VIGIL_EXACTLY_ONCE', env.VIGIL_EXACTLY_ONCE));
  if (env.VIGIL_MEMORY_GROUP) set('memory', 'groupId', env.VIGIL_MEMORY_GROUP);
  if (env.VIGIL_REASON_GROUP) set('reason', 'groupId', env.VIGIL_REASON_GROUP);
  if (env.VIGIL_ACT_GROUP) set('act', 'groupId', env.VIGIL_ACT_GROUP);
  if (env.VIGIL_MODELS_DIR) set('memory', 'modelsDir', env.VIGIL_MODELS_DIR);
  if (env.QDRANT_URL) {
    setPath(raw, ['memory', 'vectorStore', 'backend'], 'qdrant');
    setPath(raw, ['memory', 'vectorStore', 'qdrantUrl'], env.QDRANT_URL);
  }
  if (env.DATABASE_URL) set('storage', 'databaseUrl', env.DATABASE_URL);
  if (env.VIGIL_DATA_DIR) set('storage', 'dataDir', env.VIGIL_DATA_DIR);
  if (env.SLACK_WEBHOOK_URL) setPath(raw, ['act', 'notifiers', 'slack', 'webhookUrl'], env.SLACK_WEBHOOK_URL);
  if (env.PAGERDUTY_ROUTING_KEY) {
    setPath(raw, ['act', 'notifiers', 'pagerduty', 'routingKey'], env.PAGERDUTY_ROUTING_KEY);
  }
  if (env.VIGIL_WEBHOOK_URL) {
    setPath(raw, ['act', 'notifiers', 'webhooks', DEFAULT_WEBHOOK_NAME, 'url'], env.VIGIL_WEBHOOK_URL);
  }
  if (env.VIGIL_ALLOWED_HOSTS) {
    const path = ['act', 'notifiers', 'allowedHosts'];
    const current = getPath(raw, path);
    const base = Array.isArray(current) ? current : DEFAULT_ALLOWED_HOSTS;
    setPath(raw, path, [...new Set([...base, ...commaList(env.VIGIL_ALLOWED_HOSTS)])]);
  }
  if (env.LOG_LEVEL) set('log', 'level', env.LOG_LEVEL);
  if (env.PORT) set('api', 'port', parseInteger('PORT', env.PORT));
  if (env.VIGIL_API_HOST) set('api', 'host', env.VIGIL_API_HOST);
  Object.assign(section(raw, 'tracing'), tracingFromEnvironment(env));
}

/** The allow-list of notifier hosts when the config file sets none. */
const DEFAULT_ALLOWED_HOSTS: readonly string[] = actSettingsSchema.parse({}).notifiers.allowedHosts;

/** Resolves the SASL password from the environment and reads the CA file; throws ConfigError. */
function resolveKafkaSettings(kafka: ParsedConfig['kafka'], env: Env): KafkaSettings {
  const { sasl, sslCaFile, ...rest } = kafka;
  let password: string | undefined;
  if (sasl) {
    password = env[sasl.passwordEnv];
    if (!password) {
      throw new ConfigError(
        `kafka.sasl is configured (${sasl.mechanism}, user ${sasl.username}) but ${sasl.passwordEnv} (kafka.sasl.passwordEnv) is not set: export the SASL password in it`,
      );
    }
  }
  let sslCa: string | undefined;
  if (sslCaFile) {
    try {
      sslCa = readFileSync(sslCaFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read kafka.sslCaFile ${sslCaFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!sslCa.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ConfigError(
        `kafka.sslCaFile ${sslCaFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      );
    }
  }
  return {
    ...rest,
    ssl: rest.ssl || sslCa !== undefined,
    ...(sslCaFile ? { sslCaFile } : {}),
    ...(sslCa ? { sslCa } : {}),
    ...(sasl && password
      ? {
          sasl: {
            mechanism: sasl.mechanism,
            username: sasl.username,
            password,
          },
        }
      : {}),
  };
}

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path} (VIGIL_CONFIG): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const raw: unknown = parseYaml(text);
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`config file ${path} must hold a mapping of sections`);
  return raw as Raw;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Options of {@link loadConfig}: where values come from, lowest precedence first. */
export interface LoadConfigOptions {
  /** The process environment (only the composition root passes `process.env`). */
  readonly env: Env;
  /** Values from command-line flags (or a test), same shape as the file, deep-merged last. */
  readonly overrides?: Raw;
}

/**
 * Builds the configuration once: defaults ← config file (`VIGIL_CONFIG`) ← environment ← flags, validated
 * with messages naming each bad setting, then deeply frozen. Throws ConfigError.
 */
export function loadConfig(options: LoadConfigOptions): AppConfig {
  const { env } = options;
  const source = env.VIGIL_CONFIG ? `${env.VIGIL_CONFIG} + environment` : 'environment';
  const raw: Raw = env.VIGIL_CONFIG ? readConfigFile(env.VIGIL_CONFIG) : {};
  applyEnvironment(raw, env);
  mergeInto(raw as Record<string, unknown>, options.overrides ?? {});
  const parsed = appConfigSchema.safeParse(raw);
  if (!parsed.success) throw configErrorFrom(parsed.error, source);
  const c = parsed.data;
  const { detectors: inlineDetectors, ...detect } = c.detect;
  const detectors = detect.detectorsFile
    ? loadDetectorSettingsFile(detect.detectorsFile)
    : parseDetectorSettings(inlineDetectors, source);
  const p = c.topics.prefix;
  const names: TopicNames = {
    metrics: `${p}${c.topics.metrics}`,
    metricsDeadLetter: `${p}${c.topics.metrics}.dlq`,
    anomalies: `${p}${c.topics.anomalies}`,
    detectChangelog: `${p}${detect.groupId}.detectors.changelog`,
    anomaliesDeadLetter: `${p}${c.topics.anomalies}.dlq`,
    contexts: `${p}${c.topics.contexts}`,
    contextsDeadLetter: `${p}${c.topics.contexts}.dlq`,
    hypotheses: `${p}${c.topics.hypotheses}`,
    hypothesesDeadLetter: `${p}${c.topics.hypotheses}.dlq`,
    actions: `${p}${c.topics.actions}`,
    reasonChangelog: reasonChangelogTopic(c.reason.groupId, p),
    actChangelog: `${p}${c.act.groupId}.act.changelog`,
  };
  const reason = parseReasonSettings(c.reason, source);
  return deepFreeze({
    mode: c.kafka.brokers ? 'kafka' : 'embedded',
    kafka: resolveKafkaSettings(c.kafka, env),
    schemaRegistry: c.schemaRegistry,
    topics: { ...c.topics, names },
    detect: { ...detect, detectors },
    log: c.log,
    memory: c.memory,
    reason,
    act: c.act,
    storage: c.storage,
    api: c.api,
    tracing: c.tracing,
    secrets: { llmApiKey: env[reason.llm.apiKeyEnv] || undefined, apiAuth: readAuthSecrets(c.api.auth, env) },
  });
}
