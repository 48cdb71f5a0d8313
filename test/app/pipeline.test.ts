import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCodecs } from '../../src/app/codecs.js';
import { generateDemoStream } from '../../src/app/demo-stream.js';
import { waitForGroupToDrain } from '../../src/app/drain.js';
import { createLogBackend } from '../../src/app/log-backend.js';
import { buildPipeline, type PipelinePorts, stagesOf } from '../../src/app/pipeline.js';
import { pipelineTopicSpecs } from '../../src/app/pipeline-topics.js';
import { encodeMetricPointJson } from '../../src/codec/index.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { LogBackend } from '../../src/consumers/log-port.js';
import type { ActionEvent } from '../../src/model/action-event.js';
import type { ContextEvent } from '../../src/model/context-event.js';
import type { HypothesisEvent } from '../../src/model/hypothesis-event.js';
import { silentLogger } from '../../src/observability/logger.js';
import { DEFAULT_SYNTHETIC_OPTIONS } from '../../src/synthetic/synthetic-metrics.js';
import type { VectorStore } from '../../src/vector-store/vector-store.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../embeddings/ensure-model.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-pipeline-'));
const webhookPolicies = join(dir, 'policies.yaml');
writeFileSync(
  webhookPolicies,
  'policies:\n  - name: all\n    notify: ["webhook:default"]\n    runbook: restart-connection-pool\n',
);

let modelsDir: string;
beforeAll(() => {
  modelsDir = ensureEmbeddingModel();
}, MODEL_FETCH_TIMEOUT_MS);

/** A small stream: four clean series plus the demo's correlated orders incident (three series). */
const stream = generateDemoStream({
  ...DEFAULT_SYNTHETIC_OPTIONS,
  series: 4,
  pointsPerSeries: 80,
  incidentFraction: 0,
});

async function readAll<T>(backend: LogBackend, topic: string): Promise<T[]> {
  const codecs = createCodecs(loadConfig({ env: {} }));
  const ranges = new Map(
    [...(await backend.admin().offsetRange(topic))].map(([p, r]) => [p, { from: r.start, to: r.end }]),
  );
  const out: T[] = [];
  await backend.readRanges({
    topic,
    ranges,
    onRecords: async (records) => {
      for (const r of records) out.push((await codecs.eventDecoder.decode(r.value!)) as T);
    },
  });
  return out;
}

/** Runs `all` on the embedded log over the stream; returns what each topic holds and the stored incidents. */
async function runAll(
  env: Record<string, string>,
  overrides: Record<string, Record<string, unknown>> = {},
  ports: PipelinePorts = {},
) {
  const config = loadConfig({
    env: { VIGIL_MODELS_DIR: modelsDir, VIGIL_PARTITIONS: '2', ...env },
    overrides,
  });
  const logger = silentLogger();
  const backend = createLogBackend(config, logger);
  const codecs = createCodecs(config);
  const names = config.topics.names;
  await backend.admin().ensureTopics(pipelineTopicSpecs(config));
  const pipeline = await buildPipeline({ config, backend, codecs, logger, stages: stagesOf('all'), ports });
  expect(pipeline.stages.map((s) => s.name)).toEqual(['detect', 'memory', 'reason', 'act']);
  expect(new Set(pipeline.stages.map((s) => s.groupId)).size).toBe(4);
  await pipeline.start();
  const producer = await backend.producer();
  await producer.send(
    stream.points.map((p) => ({
      topic: names.metrics,
      key: p.series,
      value: encodeMetricPointJson(p),
      timestampMs: p.timestampMs,
    })),
  );
  await producer.close();
  for (const stage of pipeline.stages)
    await waitForGroupToDrain(backend.admin(), stage.groupId, stage.inputTopic, { timeoutMs: 30_000 });
  const stored = await pipeline.act!.store.listIncidents();
  await pipeline.stop();
  await pipeline.stop(); // idempotent
  const result = {
    pipeline,
    stored: stored.items,
    anomalies: await readAll<unknown>(backend, names.anomalies),
    contexts: await readAll<ContextEvent>(backend, names.contexts),
    hypotheses: await readAll<HypothesisEvent>(backend, names.hypotheses),
    actions: await readAll<ActionEvent>(backend, names.actions),
  };
  await backend.close();
  return result;
}

describe('composition root on the embedded log', () => {
  it('runs all four stages over a small incident: one incident, similar past incidents, hypotheses, not-sent alerts, dry-run steps', async () => {
    const r = await runAll({});
    expect(r.anomalies).toHaveLength(3);
    expect(r.contexts).toHaveLength(3);
    for (const c of r.contexts) {
      expect(c.degraded).toBeNull();
      expect(c.correlationKey).toBe('orders');
      expect(c.similar.length).toBe(5);
    }
    expect(new Set(r.hypotheses.map((h) => h.incident.id)).size).toBe(1);
    const last = r.hypotheses.find((h) => h.revision === 3)!;
    expect(last.hypotheses[0]!.cause).toMatch(/connection pool exhausted on orders/);
    expect(last.engine).toBe('rules');
    expect(r.stored).toEqual([expect.objectContaining({ id: last.incident.id, revision: 3 })]);
    expect(r.pipeline.act!.notifierTargets).toEqual([]);
    // No destination configured: each target recorded once as not sent, later revisions held by the cooldown.
    const notSent = r.actions.filter((a) => a.kind === 'suppressed' && a.detail.startsWith('not sent'));
    expect(notSent.map((a) => [a.target, a.status, a.attempts]).sort()).toEqual([
      ['pagerduty', 'skipped', 0],
      ['slack', 'skipped', 0],
    ]);
    expect(r.actions.filter((a) => a.detail.startsWith('cooldown'))).toHaveLength(4);
    expect(r.actions.filter((a) => a.kind === 'alert' || a.kind === 'alert-update')).toEqual([]);
    expect(r.actions.filter((a) => a.kind === 'runbook-dry-run').map((a) => a.step)).toEqual([
      'drain-quarter',
      'restart-pool',
      'undrain',
    ]);
  }, 60_000);

  it('sends exactly one alert to a configured webhook, and degrades contexts when the vector store fails', async () => {
    const sent: unknown[] = [];
    const fetchStub = (async (_url: string | URL | Request, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)));
      return new Response('ok', { status: 200 });
    }) as typeof fetch;
    const failing: VectorStore = {
      dimensions: 384,
      backend: 'broken',
      ensureCollection: async () => {
        throw new Error('connection refused');
      },
      upsert: async () => {},
      get: async () => [],
      search: async () => {
        throw new Error('connection refused');
      },
      close: async () => {},
    };
    const r = await runAll(
      { VIGIL_WEBHOOK_URL: 'https://hooks.example.com/vigil', VIGIL_ALLOWED_HOSTS: 'hooks.example.com' },
      { act: { policiesFile: webhookPolicies } },
      { vectorStore: failing, notifierHooks: { fetch: fetchStub } },
    );
    expect(r.pipeline.memory!.seeded).toEqual({ error: 'connection refused' });
    for (const c of r.contexts) {
      expect(c.degraded).toMatch(/^vector store \(broken\) failed: connection refused/);
      expect(c.similar).toEqual([]);
    }
    expect(sent).toHaveLength(1);
    expect(r.actions.filter((a) => a.kind === 'alert')).toEqual([
      expect.objectContaining({ target: 'webhook:default', status: 'ok' }),
    ]);
  }, 60_000);

  it('stops at startup when a configured destination leaves a policy target unconfigured, or a host is not allowed', async () => {
    const build = (env: Record<string, string>) => {
      const config = loadConfig({ env: { VIGIL_MODELS_DIR: modelsDir, ...env } });
      const logger = silentLogger();
      return buildPipeline({
        config,
        backend: createLogBackend(config, logger),
        codecs: createCodecs(config),
        logger,
        stages: ['act'],
      });
    };
    await expect(build({ SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' })).rejects.toThrow(
      /policy "database-saturation" field notify: pagerduty is not configured under act.notifiers/,
    );
    await expect(build({ VIGIL_WEBHOOK_URL: 'https://10.0.0.1/hook' })).rejects.toThrow(
      /host 10.0.0.1 of webhook:default is not on the allow-list/,
    );
  });

  it('parses stage names', () => {
    expect(stagesOf('all')).toEqual(['detect', 'memory', 'reason', 'act']);
    expect(stagesOf('reason')).toEqual(['reason']);
    expect(() => stagesOf('reasoning')).toThrow(
      /unknown stage "reasoning"; stages: detect, memory, reason, act, all/,
    );
  });
});
