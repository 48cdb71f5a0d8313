import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryBinding, memoryBinding } from '../../../src/agents/memory/memory-binding.js';
import type { MemoryHandlerOptions } from '../../../src/agents/memory/memory-handler.js';
import { createCodecs } from '../../../src/app/codecs.js';
import { loadConfig } from '../../../src/config/app-config.js';
import type { TopicSpec } from '../../../src/consumers/log-port.js';
import { StageDriver } from '../../../src/consumers/stage-driver.js';
import type { Embedder } from '../../../src/embeddings/embedder.js';
import { createTransformersEmbedder } from '../../../src/embeddings/transformers-embedder.js';
import { createIncidentMemory } from '../../../src/memory/incident-memory.js';
import { loadIncidentsFile } from '../../../src/memory/incidents-file.js';
import type { AnomalyEvent } from '../../../src/model/anomaly-event.js';
import type { ContextEvent } from '../../../src/model/context-event.js';
import { createPgliteClient } from '../../../src/vector-store/pglite-client.js';
import { createPgvectorStore } from '../../../src/vector-store/pgvector-store.js';
import type { SearchHit, VectorStore } from '../../../src/vector-store/vector-store.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../../embeddings/ensure-model.js';
import { anomaly, anomalyLike } from './anomaly-fixtures.js';

const config = loadConfig({ env: { VIGIL_PARTITIONS: '3' } });
const codecs = createCodecs(config);
const names = config.topics.names;
const topics: TopicSpec[] = [
  { name: names.anomalies, partitions: 3 },
  { name: names.anomaliesDeadLetter, partitions: 1 },
  { name: names.contexts, partitions: 3 },
];

function binding(ports: Pick<MemoryHandlerOptions, 'embedder' | 'store'> & Partial<MemoryHandlerOptions>) {
  return memoryBinding({
    groupId: 'vigil-memory',
    anomaliesTopic: names.anomalies,
    deadLetterTopic: names.anomaliesDeadLetter,
    contextsTopic: names.contexts,
    decoder: codecs.eventDecoder,
    failurePolicy: { decode: 'dead-letter', handler: 'dead-letter', produce: 'retry' },
    ...ports,
  });
}

async function run(b: MemoryBinding, anomalies: readonly AnomalyEvent[], extra: Buffer[] = []) {
  const driver = await StageDriver.create({ binding: b, encodeOutput: codecs.encodeOutput, topics });
  await driver.startInstance();
  const records = [];
  for (const a of anomalies) {
    records.push({
      topic: names.anomalies,
      key: a.series,
      value: await codecs.eventEncoder.encode(names.anomalies, 'AnomalyEvent', a),
    });
  }
  for (const value of extra) records.push({ topic: names.anomalies, key: 'bad', value });
  await driver.pipe(records);
  await driver.drain(60_000);
  const contexts: ContextEvent[] = [];
  for (const r of driver.read(names.contexts)) {
    const event = (await codecs.eventDecoder.decode(r.value!)) as ContextEvent;
    expect(r.key?.toString()).toBe(event.correlationKey);
    contexts.push(event);
  }
  await driver.stopAll();
  b.handler.close();
  return { contexts, driver };
}

/** A fake embedder: fixed unit vectors, counts calls, can fail or hang. */
function fakeEmbedder(mode: { fail?: () => boolean; hang?: () => boolean } = {}) {
  const calls = { n: 0 };
  const embedder: Embedder = {
    model: 'fake-model',
    dimensions: 3,
    async embed(texts) {
      calls.n += 1;
      if (mode.hang?.()) return new Promise<Float32Array[]>(() => {});
      if (mode.fail?.()) throw new Error('onnx session crashed');
      return texts.map(() => Float32Array.from([1, 0, 0]));
    },
  };
  return { embedder, calls };
}

/** A fake vector store whose search can fail or hang. */
function fakeStore(mode: { fail?: () => boolean; hang?: () => boolean } = {}) {
  const calls = { search: 0 };
  const hit: SearchHit = {
    id: 'INC-1',
    score: 0.9,
    payload: { incidentId: 'INC-1', summary: 's', rootCause: 'r', resolution: 'x' },
  };
  const store: VectorStore = {
    dimensions: 3,
    backend: 'fake',
    ensureCollection: async () => {},
    upsert: async () => {},
    get: async () => [],
    async search() {
      calls.search += 1;
      if (mode.hang?.()) return new Promise<SearchHit[]>(() => {});
      if (mode.fail?.()) throw new Error('connection refused');
      return [hit];
    },
    close: async () => {},
  };
  return { store, calls };
}

const many = (n: number) =>
  Array.from({ length: n }, (_, i) => anomaly({ id: `a${i}`, timestampMs: Date.UTC(2026, 0, 1) + i * 1000 }));

describe('memory stage with the real embedder and pgvector on PGlite', () => {
  let embedder: Embedder;
  let store: VectorStore;
  const incidents = loadIncidentsFile();
  const byId = new Map(incidents.map((i) => [i.id, i]));

  beforeAll(async () => {
    embedder = await createTransformersEmbedder({ modelsDir: ensureEmbeddingModel() });
    store = createPgvectorStore({ client: await createPgliteClient(), dimensions: embedder.dimensions });
    await createIncidentMemory({ embedder, store }).seed(incidents);
  }, MODEL_FETCH_TIMEOUT_MS);
  afterAll(async () => {
    await store?.close();
    await embedder?.close?.();
  });

  it('ranks the resembling past incident first, for each of several incidents', async () => {
    const targets = [
      'INC-2024-103',
      'INC-2024-109',
      'INC-2024-111',
      'INC-2024-108',
      'INC-2025-004',
      'INC-2024-114',
    ];
    const anomalies = targets.map((id, k) => anomalyLike(byId.get(id)!, `n${k}`));
    const { contexts } = await run(binding({ embedder, store }), anomalies);
    expect(contexts).toHaveLength(targets.length);
    for (const [k, id] of targets.entries()) {
      const ctx = contexts.find((c) => c.id === `n${k}`)!;
      expect(ctx.degraded).toBeNull();
      expect(ctx.embeddingModel).toBe('Xenova/all-MiniLM-L6-v2');
      expect(ctx.similar).toHaveLength(5);
      expect(ctx.similar[0]!.id, `${ctx.summaryText} → ${ctx.similar.map((s) => s.id).join(',')}`).toBe(id);
      expect(ctx.similar[0]!.rootCause).toBe(byId.get(id)!.rootCause);
      const scores = ctx.similar.map((s) => s.similarity);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      expect(ctx.correlationKey).toBe(byId.get(id)!.signature.labels.service);
      expect(ctx.summaryText).toContain(byId.get(id)!.signature.labels.service);
    }
  });

  it('leaves false positives out and honours topK', async () => {
    const fp = byId.get('INC-2025-009')!;
    expect(fp.falsePositive).toBe(true);
    const { contexts } = await run(binding({ embedder, store, topK: 3 }), [anomalyLike(fp, 'fp1')]);
    expect(contexts[0]!.similar).toHaveLength(3);
    expect(contexts[0]!.similar.map((s) => s.id)).not.toContain('INC-2025-009');
    const all = await run(binding({ embedder, store, topK: 3, excludeFalsePositives: false }), [
      anomalyLike(fp, 'fp2'),
    ]);
    expect(all.contexts[0]!.similar[0]!.id).toBe('INC-2025-009');
  });
});

describe('memory stage degraded paths (fake ports)', () => {
  it('a throwing vector store: every anomaly gets a degraded context; the breaker opens after 5 failures', async () => {
    const { embedder } = fakeEmbedder();
    const { store, calls } = fakeStore({ fail: () => true });
    const { contexts, driver } = await run(binding({ embedder, store }), many(12));
    expect(contexts).toHaveLength(12);
    expect(driver.runners[0]!.stats.deadLettered).toBe(0);
    for (const c of contexts) {
      expect(c.similar).toEqual([]);
      expect(c.embeddingModel).toBe('fake-model');
    }
    expect(calls.search).toBe(5);
    const reasons = contexts.map((c) => c.degraded);
    expect(reasons.filter((r) => r?.includes('failed: connection refused'))).toHaveLength(5);
    expect(reasons.filter((r) => r?.includes('circuit open'))).toHaveLength(7);
  });

  it('a hanging vector store times out per call, then the open breaker answers at once', async () => {
    const { embedder } = fakeEmbedder();
    const { store, calls } = fakeStore({ hang: () => true });
    const started = Date.now();
    const { contexts } = await run(binding({ embedder, store, searchTimeoutMs: 80 }), many(20));
    expect(contexts).toHaveLength(20);
    expect(calls.search).toBe(5);
    expect(contexts.filter((c) => c.degraded?.includes('timed out after 80 ms'))).toHaveLength(5);
    expect(contexts.every((c) => c.degraded !== null && c.similar.length === 0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5 * 80 + 3000);
  });

  it('half-opens after resetTimeoutMs: one trial call, and a success closes the breaker', async () => {
    const { embedder } = fakeEmbedder();
    let failing = true;
    const { store, calls } = fakeStore({ fail: () => failing });
    const b = binding({ embedder, store, breaker: { failuresToOpen: 5, resetTimeoutMs: 300 } });
    const driver = await StageDriver.create({ binding: b, encodeOutput: codecs.encodeOutput, topics });
    await driver.startInstance();
    const pipe = async (batch: AnomalyEvent[]) => {
      await driver.pipe(
        await Promise.all(
          batch.map(async (a) => ({
            topic: names.anomalies,
            key: a.series,
            value: await codecs.eventEncoder.encode(names.anomalies, 'AnomalyEvent', a),
          })),
        ),
      );
      await driver.drain();
    };
    await pipe(many(8));
    expect(calls.search).toBe(5);
    expect(b.handler.breakers().store).toBe('open');
    await pipe(many(3).map((a) => ({ ...a, id: `${a.id}-b` })));
    expect(calls.search).toBe(5); // still open: no calls
    await new Promise((r) => setTimeout(r, 400));
    expect(b.handler.breakers().store).toBe('half-open');
    failing = false;
    await pipe(many(4).map((a) => ({ ...a, id: `${a.id}-c` })));
    expect(calls.search).toBe(9);
    expect(b.handler.breakers().store).toBe('closed');
    const last = (await codecs.eventDecoder.decode(
      driver.read(names.contexts).at(-1)!.value!,
    )) as ContextEvent;
    expect(last.degraded).toBeNull();
    expect(last.similar[0]!.id).toBe('INC-1');
    await driver.stopAll();
    b.handler.close();
  });

  it('a failing embedder: degraded contexts without a model name, and the store is never asked', async () => {
    const { embedder, calls: embedCalls } = fakeEmbedder({ fail: () => true });
    const { store, calls } = fakeStore();
    const { contexts } = await run(binding({ embedder, store }), many(9));
    expect(contexts).toHaveLength(9);
    expect(embedCalls.n).toBe(5);
    expect(calls.search).toBe(0);
    for (const c of contexts) {
      expect(c.embeddingModel).toBe('');
      expect(c.similar).toEqual([]);
      expect(c.degraded).toMatch(/^embedder (failed: onnx session crashed|unavailable: circuit open)/);
    }
  });

  it('a hanging embedder times out and the partition goes on', async () => {
    const { embedder } = fakeEmbedder({ hang: () => true });
    const { store } = fakeStore();
    const { contexts } = await run(binding({ embedder, store, embedTimeoutMs: 50 }), many(6));
    expect(contexts).toHaveLength(6);
    expect(contexts[0]!.degraded).toBe('embedder timed out after 50 ms');
  });

  it('keys contexts by label, series prefix or dependency group; dead-letters non-anomalies', async () => {
    const { embedder } = fakeEmbedder();
    const { store } = fakeStore();
    const inputs = [
      anomaly({ id: 'k1', labels: { service: 'payments' } }),
      anomaly({ id: 'k2', labels: { app: 'search' } }),
      anomaly({ id: 'k3', series: 'shipping.cpu_util', labels: {} }),
      anomaly({ id: 'k4', labels: { team: 'core', service: 'auth' } }),
    ];
    const garbage = await codecs.eventEncoder.encode(names.contexts, 'MetricPoint', {
      series: 's',
      timestampMs: Date.UTC(2026, 0, 1),
      value: 1,
      labels: {},
    } as never);
    const b = binding({
      embedder,
      store,
      correlation: {
        labelKeys: ['team', 'service', 'app'],
        dependencyGroups: { 'order-path': ['payments', 'checkout'] },
      },
    });
    const { contexts, driver } = await run(b, inputs, [Buffer.from('not avro'), garbage]);
    const keyOf = (id: string) => contexts.find((c) => c.id === id)?.correlationKey;
    expect(keyOf('k1')).toBe('order-path');
    expect(keyOf('k2')).toBe('search');
    expect(keyOf('k3')).toBe('shipping');
    expect(keyOf('k4')).toBe('core');
    const dlq = driver.read(names.anomaliesDeadLetter);
    expect(dlq).toHaveLength(2);
    expect(dlq.map((r) => r.headers['vigil.dlq.error-class']?.toString()).sort()).toEqual([
      'wrong-magic-byte',
      'wrong-type',
    ]);
  });
});
