import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CodecError,
  createConfluentSchemaRegistry,
  createMetricDecoder,
  loadSchemaCatalog,
  REGISTRY_ERROR_CODES,
  topicValueSubject,
  unknownSchemaIdRecord,
} from '../../src/codec/index.js';
import { isRetriable, VigilError } from '../../src/errors.js';
import { closedPortUrl, type FakeRegistry, startFakeRegistry } from './fake-registry.js';

const catalog = loadSchemaCatalog();

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('confluent registry adapter', () => {
  let fake: FakeRegistry;
  beforeEach(async () => {
    fake = await startFakeRegistry();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('uses TopicNameStrategy subjects', () => {
    expect(topicValueSubject('vigil.metrics')).toBe('vigil.metrics-value');
  });

  it('registers under <topic>-value, caches the id, and serves the schema back by id', async () => {
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    const entry = catalog.get('MetricPoint');
    const id = await registry.register('metrics-value', entry);
    const again = await registry.register('metrics-value', entry);
    expect(again).toBe(id);
    expect(fake.requests.filter((r) => r.startsWith('POST /apis/ccompat/v7/subjects/metrics-value'))).toEqual(
      [
        'POST /apis/ccompat/v7/subjects/metrics-value',
        'POST /apis/ccompat/v7/subjects/metrics-value/versions',
      ],
    );
    // the library sets the subject's compatibility on first registration
    expect(fake.requests).toContain('PUT /apis/ccompat/v7/config/metrics-value');
    const type = await registry.getSchemaById(id);
    expect(JSON.stringify(type.schema())).toBe(entry.canonicalForm);
  });

  it('finds an already registered schema without registering again', async () => {
    const entry = catalog.get('AnomalyEvent');
    const existing = fake.add('anomalies-value', entry.schemaJson);
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    expect(await registry.register('anomalies-value', entry)).toBe(existing);
    expect(fake.requests.some((r) => r.endsWith('/versions'))).toBe(false);
  });

  it('caches schemas by id (one HTTP request for many lookups)', async () => {
    const id = fake.add('metrics-value', catalog.get('MetricPoint').schemaJson);
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    await Promise.all([registry.getSchemaById(id), registry.getSchemaById(id)]);
    await registry.getSchemaById(id);
    expect(fake.requests.filter((r) => r.includes('/schemas/ids/'))).toHaveLength(1);
  });

  it('unknown schema id (404) → non-retriable CodecError unknown-schema-id, remembered for the TTL', async () => {
    let now = 1_000;
    const registry = createConfluentSchemaRegistry({
      host: fake.url,
      retries: 0,
      unknownIdCacheTtlMs: 10_000,
      now: () => now,
    });
    const error = await caught(registry.getSchemaById(999_999));
    expect(error).toBeInstanceOf(CodecError);
    expect((error as CodecError).errorClass).toBe('unknown-schema-id');
    expect((error as CodecError).code).toBe('VIGIL_ERR_CODEC_UNKNOWN_SCHEMA_ID');
    expect((error as CodecError).message).toContain('999999');
    expect(isRetriable(error)).toBe(false);
    await caught(registry.getSchemaById(999_999));
    expect(fake.requests.filter((r) => r.includes('/schemas/ids/999999'))).toHaveLength(1);
    now += 10_001;
    await caught(registry.getSchemaById(999_999));
    expect(fake.requests.filter((r) => r.includes('/schemas/ids/999999'))).toHaveLength(2);
  });

  it('HTTP 500 → retriable VIGIL_ERR_REGISTRY_UNAVAILABLE (after the library retries GETs)', async () => {
    fake.mode = 'error-500';
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 1 });
    const error = await caught(registry.getSchemaById(1));
    expect(error).toBeInstanceOf(VigilError);
    expect(error).not.toBeInstanceOf(CodecError);
    expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.unavailable);
    expect(isRetriable(error)).toBe(true);
    expect(fake.requests.filter((r) => r.includes('/schemas/ids/1'))).toHaveLength(2);
  });

  it('a hanging registry → retriable timeout error within the configured timeout', async () => {
    fake.mode = 'hang';
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0, timeoutMs: 200 });
    const started = Date.now();
    const error = await caught(registry.getSchemaById(1));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.unavailable);
    expect((error as VigilError).message).toMatch(/timeout/i);
    expect(isRetriable(error)).toBe(true);
  });

  it('connection refused → retriable', async () => {
    const registry = createConfluentSchemaRegistry({
      host: await closedPortUrl(),
      retries: 0,
      timeoutMs: 1_000,
    });
    const error = await caught(registry.getSchemaById(1));
    expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.unavailable);
    expect((error as VigilError).message).toMatch(/ECONNREFUSED/);
    expect(isRetriable(error)).toBe(true);
  });

  it('register against an unavailable registry → retriable, and the failure is not cached', async () => {
    fake.mode = 'error-500';
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    const error = await caught(registry.register('metrics-value', catalog.get('MetricPoint')));
    expect(isRetriable(error)).toBe(true);
    fake.mode = 'normal';
    await expect(registry.register('metrics-value', catalog.get('MetricPoint'))).resolves.toBeGreaterThan(0);
  });

  it('a base URL that is not a registry: 404s are NOT taken as unknown ids (misconfigured, non-retriable)', async () => {
    fake.mode = 'not-a-registry';
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    const error = await caught(registry.getSchemaById(5));
    expect(error).not.toBeInstanceOf(CodecError);
    expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.misconfigured);
    expect((error as VigilError).message).toContain('/apis/ccompat/v7');
    expect((error as VigilError).message).toContain('HTTP 404');
    expect(isRetriable(error)).toBe(false);
  });

  it('401 → non-retriable unauthorized (not a dead letter, not an endless retry)', async () => {
    fake.mode = 'unauthorized';
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    const error = await caught(registry.getSchemaById(1));
    expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.unauthorized);
    expect(isRetriable(error)).toBe(false);
  });

  it('a registry schema that is not Avro → incompatible-schema', async () => {
    const id = fake.add('x-value', '{"type":"object"}', 'JSON');
    const registry = createConfluentSchemaRegistry({ host: fake.url, retries: 0 });
    const error = await caught(registry.getSchemaById(id));
    expect((error as CodecError).errorClass).toBe('incompatible-schema');
  });

  it('rejects bad options eagerly', () => {
    expect(() => createConfluentSchemaRegistry({ host: 'localhost:8081' })).toThrow(/absolute http/);
    expect(() => createConfluentSchemaRegistry({ host: 'http://127.0.0.1:1', timeoutMs: -1 })).toThrow(
      /timeoutMs/,
    );
  });

  describe('through the metric decoder', () => {
    it('unknown schema id is a DecodeResult (dead letter)', async () => {
      const decoder = createMetricDecoder({
        catalog,
        registry: createConfluentSchemaRegistry({ host: fake.url, retries: 0 }),
      });
      const result = await decoder.decode(unknownSchemaIdRecord());
      expect(result).toEqual({
        ok: false,
        error: {
          errorClass: 'unknown-schema-id',
          code: 'VIGIL_ERR_CODEC_UNKNOWN_SCHEMA_ID',
          message: expect.stringContaining('schema id 999999'),
        },
      });
    });

    it('registry unavailability is thrown as a retriable VigilError, not returned', async () => {
      fake.mode = 'error-500';
      const decoder = createMetricDecoder({
        catalog,
        registry: createConfluentSchemaRegistry({ host: fake.url, retries: 0 }),
      });
      const error = await caught(decoder.decode(unknownSchemaIdRecord(7)));
      expect(isRetriable(error)).toBe(true);
      expect((error as VigilError).code).toBe(REGISTRY_ERROR_CODES.unavailable);
    });

    it('a hanging registry is thrown as retriable too', async () => {
      fake.mode = 'hang';
      const decoder = createMetricDecoder({
        catalog,
        registry: createConfluentSchemaRegistry({ host: fake.url, retries: 0, timeoutMs: 150 }),
      });
      expect(isRetriable(await caught(decoder.decode(unknownSchemaIdRecord(7))))).toBe(true);
    });
  });
});
