import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  ConfluentSchemaRegistryCompatibilityError,
  ConfluentSchemaRegistryError,
} from '@kafkajs/confluent-schema-registry/dist/errors.js';
import avro from 'avsc';
import { ConfigError, VigilError } from '../errors.js';
import { CodecError } from './codec-errors.js';
import type { CatalogEntry } from './schema-catalog.js';

/**
 * What the codecs need from a schema registry. Implemented over `@kafkajs/confluent-schema-registry` by
 * {@link createConfluentSchemaRegistry}; tests may supply their own.
 *
 * Failure contract (the runtime relies on it):
 * - unknown schema id → {@link CodecError} `unknown-schema-id` (non-retriable: a poison record, dead-letter it);
 * - registry unreachable, 5xx, timeout → {@link VigilError} `VIGIL_ERR_REGISTRY_UNAVAILABLE`, `retriable: true`
 *   (never dead-letter because of it);
 * - misconfiguration (wrong base URL, bad credentials, rejected schema) → non-retriable `VIGIL_ERR_REGISTRY_*`
 *   (fail the stage: the records are not at fault).
 */
export interface SchemaRegistryPort {
  /**
   * Registers `entry`'s schema under `subject` (or finds it when already registered) and returns its id.
   * Ids are cached per subject and schema.
   */
  register(subject: string, entry: CatalogEntry): Promise<number>;
  /**
   * The writer schema of a registry id, as an avsc type. Cached. Throws as described on
   * {@link SchemaRegistryPort}; a schema that is not Avro or does not parse → {@link CodecError}
   * `incompatible-schema`.
   */
  getSchemaById(id: number): Promise<avro.Type>;
}

/** Error codes raised by the registry adapter (besides the `CodecError`s of the codec catalog). */
export const REGISTRY_ERROR_CODES = Object.freeze({
  /** Unreachable, 5xx, timeout, throttled. Retriable. */
  unavailable: 'VIGIL_ERR_REGISTRY_UNAVAILABLE',
  /** 401/403. Not retriable: fix the credentials. */
  unauthorized: 'VIGIL_ERR_REGISTRY_UNAUTHORIZED',
  /** 409/422 or compatibility-level mismatch on register. Not retriable: fix the schema or subject config. */
  rejected: 'VIGIL_ERR_REGISTRY_REJECTED',
  /** The base URL does not serve the Confluent API (e.g. missing `/apis/ccompat/v7`). Not retriable. */
  misconfigured: 'VIGIL_ERR_REGISTRY_MISCONFIGURED',
});

/** Subject compatibility levels of the Confluent API. */
export type RegistryCompatibility =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

/** Options of {@link createConfluentSchemaRegistry}. */
export interface ConfluentRegistryOptions {
  /** Base URL of a Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7` (Apicurio). */
  readonly host: string;
  /** Per-HTTP-request timeout in ms. Default 5000. */
  readonly timeoutMs?: number;
  /** Retries of idempotent GETs on 5xx / connection errors (library backoff, 100 ms doubling). Default 2. */
  readonly retries?: number;
  /** Compatibility level set on subjects this adapter creates (and expected on existing ones). Default `BACKWARD`. */
  readonly compatibility?: RegistryCompatibility;
  /** HTTP basic auth. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** How long a 404 for a schema id is remembered, in ms, so a burst of poison records costs one request. Default 30000. */
  readonly unknownIdCacheTtlMs?: number;
  /** Clock for the unknown-id cache (ms). Default `Date.now`. */
  readonly now?: () => number;
}

/** TopicNameStrategy: the value subject of a topic, `<topic>-value`. */
export function topicValueSubject(topic: string): string {
  return `${topic}-value`;
}

type RegistryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

const MAX_UNKNOWN_IDS = 10_000;

/** The HTTP status a `@kafkajs/confluent-schema-registry` (mappersmith) error carries, if any. */
function statusOf(error: unknown): number | undefined {
  if (error !== null && typeof error === 'object' && 'status' in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Maps an HTTP-level failure of the registry client to a {@link VigilError}.
 *
 * The library (mappersmith) reports connection errors and timeouts as responses with status 400 and the
 * socket error in the message, so only statuses that a registry sends on purpose are final: 401/403
 * (`unauthorized`), 409/422 (`rejected`), 404 outside a schema-id lookup (`misconfigured`). Every other
 * status — 400 (network/timeout), 408, 429, 5xx — is `unavailable` and retriable.
 */
export function classifyRegistryError(error: unknown, operation: string): VigilError {
  if (error instanceof VigilError) return error;
  const status = statusOf(error);
  const detail = messageOf(error);
  if (status === 401 || status === 403) {
    return new VigilError(
      REGISTRY_ERROR_CODES.unauthorized,
      `schema registry refused ${operation} (HTTP ${status}): check the registry credentials (${detail})`,
      { cause: error },
    );
  }
  if (status === 409 || status === 422) {
    return new VigilError(
      REGISTRY_ERROR_CODES.rejected,
      `schema registry rejected ${operation} (HTTP ${status}): ${detail}`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new VigilError(
      REGISTRY_ERROR_CODES.misconfigured,
      `schema registry answered 404 to ${operation}: check the registry URL (for Apicurio it ends in /apis/ccompat/v7) (${detail})`,
      { cause: error },
    );
  }
  return new VigilError(
    REGISTRY_ERROR_CODES.unavailable,
    `schema registry unavailable during ${operation}${status === undefined ? '' : ` (HTTP ${status})`}: ${detail}`,
    { retriable: true, cause: error },
  );
}

function validateOptions(options: ConfluentRegistryOptions): void {
  let url: URL;
  try {
    url = new URL(options.host);
  } catch (error) {
    throw new ConfigError(
      `schema registry host must be an absolute http(s) URL such as http://127.0.0.1:8081/apis/ccompat/v7, got ${JSON.stringify(options.host)}`,
      { cause: error },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `schema registry host must be an absolute http(s) URL such as http://127.0.0.1:8081/apis/ccompat/v7, got ${JSON.stringify(options.host)}`,
    );
  }
  for (const [name, value] of [
    ['timeoutMs', options.timeoutMs],
    ['retries', options.retries],
    ['unknownIdCacheTtlMs', options.unknownIdCacheTtlMs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new ConfigError(`schema registry option ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

/**
 * A {@link SchemaRegistryPort} over `@kafkajs/confluent-schema-registry`.
 *
 * - `register` first looks the schema up (`POST /subjects/<subject>`), then registers it
 *   (`POST /subjects/<subject>/versions`, setting the subject's compatibility on first registration).
 * - `getSchemaById` (`GET /schemas/ids/<id>`) caches schemas for good and unknown ids for
 *   `unknownIdCacheTtlMs`. A 404 is only trusted as "unknown id" after the base URL has been verified once
 *   (`GET /subjects` answers a JSON array); otherwise a wrong URL would dead-letter every record.
 *
 * @example
 * const registry = createConfluentSchemaRegistry({ host: 'http://127.0.0.1:8081/apis/ccompat/v7' });
 * const id = await registry.register(topicValueSubject('metrics'), catalog.get('MetricPoint'));
 */
export function createConfluentSchemaRegistry(options: ConfluentRegistryOptions): SchemaRegistryPort {
  validateOptions(options);
  const host = options.host.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const compatibility = options.compatibility ?? 'BACKWARD';
  const unknownIdTtlMs = options.unknownIdCacheTtlMs ?? 30_000;
  const now = options.now ?? Date.now;

  const timeoutMiddleware: RegistryMiddleware = () => ({
    async prepareRequest(next) {
      const request = await next();
      return request.timeout() ? request : request.enhance({ timeout: timeoutMs });
    },
  });
  const client = new SchemaRegistry({
    host,
    clientId: 'vigil',
    retry: { retries: options.retries ?? 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 },
    middlewares: [timeoutMiddleware],
    ...(options.auth ? { auth: { username: options.auth.username, password: options.auth.password } } : {}),
  });

  const ids = new Map<string, Promise<number>>();
  const schemas = new Map<number, Promise<avro.Type>>();
  const unknownIds = new Map<number, number>();
  let baseVerified = false;

  async function verifyBase(): Promise<void> {
    if (baseVerified) return;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.auth) {
      headers.authorization = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
    }
    let response: Response;
    try {
      response = await fetch(`${host}/subjects`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new VigilError(
        REGISTRY_ERROR_CODES.unavailable,
        `schema registry unavailable while verifying ${host}/subjects: ${messageOf(error)}`,
        { retriable: true, cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const failure = Object.assign(new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`), {
        status: response.status,
      });
      throw classifyRegistryError(failure, `GET ${host}/subjects`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!Array.isArray(body)) {
      throw new VigilError(
        REGISTRY_ERROR_CODES.misconfigured,
        `${host} does not look like a Confluent-compatible schema registry: GET /subjects did not return a JSON array (for Apicurio the URL ends in /apis/ccompat/v7)`,
      );
    }
    baseVerified = true;
  }

  function rememberUnknown(id: number): void {
    if (unknownIds.size >= MAX_UNKNOWN_IDS) {
      const oldest = unknownIds.keys().next().value;
      if (oldest !== undefined) unknownIds.delete(oldest);
    }
    unknownIds.set(id, now() + unknownIdTtlMs);
  }

  function unknownIdError(id: number): CodecError {
    return new CodecError(
      'unknown-schema-id',
      `schema id ${id} is not known to the schema registry at ${host}`,
    );
  }

  async function fetchSchema(id: number): Promise<avro.Type> {
    let schema: unknown;
    try {
      schema = await client.getSchema(id);
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) {
        await verifyBase();
        rememberUnknown(id);
        throw unknownIdError(id);
      }
      if (status !== undefined) throw classifyRegistryError(error, `GET /schemas/ids/${id}`);
      throw new CodecError(
        'incompatible-schema',
        `schema id ${id} could not be parsed as an Avro schema: ${messageOf(error)}`,
        { cause: error },
      );
    }
    if (!avro.Type.isType(schema)) {
      throw new CodecError('incompatible-schema', `schema id ${id} is not an Avro schema`);
    }
    return schema as avro.Type;
  }

  return {
    async register(subject: string, entry: CatalogEntry): Promise<number> {
      const key = `${subject}\u0000${entry.fingerprint}`;
      let pending = ids.get(key);
      if (pending === undefined) {
        pending = registerUncached(subject, entry);
        ids.set(key, pending);
        pending.catch(() => ids.delete(key));
      }
      return pending;
    },

    async getSchemaById(id: number): Promise<avro.Type> {
      const unknownUntil = unknownIds.get(id);
      if (unknownUntil !== undefined) {
        if (now() < unknownUntil) throw unknownIdError(id);
        unknownIds.delete(id);
      }
      let pending = schemas.get(id);
      if (pending === undefined) {
        pending = fetchSchema(id);
        schemas.set(id, pending);
        pending.catch(() => schemas.delete(id));
      }
      return pending;
    },
  };

  async function registerUncached(subject: string, entry: CatalogEntry): Promise<number> {
    const schema = { type: SchemaType.AVRO, schema: entry.schemaJson } as const;
    try {
      return await client.getRegistryIdBySchema(subject, schema);
    } catch (error) {
      // The library wraps "not registered under this subject" (404) in a bare ConfluentSchemaRegistryError.
      if (!(error instanceof ConfluentSchemaRegistryError)) {
        throw classifyRegistryError(error, `lookup of ${entry.fullName} under subject ${subject}`);
      }
    }
    try {
      const { id } = await client.register(schema, {
        subject,
        compatibility: COMPATIBILITY[compatibility],
      });
      return id;
    } catch (error) {
      if (error instanceof ConfluentSchemaRegistryCompatibilityError) {
        throw new VigilError(
          REGISTRY_ERROR_CODES.rejected,
          `subject ${subject} has a different compatibility level than configured (${compatibility}): ${error.message}; set the registry option compatibility to match, or change the subject config`,
          { cause: error },
        );
      }
      throw classifyRegistryError(error, `registration of ${entry.fullName} under subject ${subject}`);
    }
  }
}
