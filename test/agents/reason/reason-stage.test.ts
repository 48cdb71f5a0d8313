import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonBinding, reasonChangelogTopic } from '../../../src/agents/reason/reason-binding.js';
import { parseReasonSettings, type ReasonSettingsInput } from '../../../src/agents/reason/reason-settings.js';
import { createCodecs } from '../../../src/app/codecs.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { MemoryLogBackend } from '../../../src/consumers/memory-log/memory-backend.js';
import { StageDriver } from '../../../src/consumers/stage-driver.js';
import type { ContextEvent } from '../../../src/model/context-event.js';
import type { HypothesisEvent } from '../../../src/model/hypothesis-event.js';
import { loadDependencyGraphFile } from '../../../src/reasoning/dependency-graph.js';
import { createLlmEngine, type LlmEngine } from '../../../src/reasoning/llm/llm-engine.js';
import { createRulesEngine } from '../../../src/reasoning/rules/rules-engine.js';
import { loadRulesFile } from '../../../src/reasoning/rules/rules-file.js';
import {
  type AnomalySpec,
  CHECKOUT_INCIDENT,
  context,
  MINUTE,
  POOL_MEMORY,
  T0,
} from '../../reasoning/fixtures.js';
import { FakeProvider, VALID_ANSWER } from '../../reasoning/llm/fake-provider.js';

const config = loadConfig({ env: { VIGIL_PARTITIONS: '3' } });
const codecs = createCodecs(config);
const names = config.topics.names;
const rules = createRulesEngine(loadRulesFile('config/rules.yaml'));
const graph = loadDependencyGraphFile('config/dependency-graph.example.yaml');

function setup(
  options: {
    settings?: ReasonSettingsInput;
    llm?: LlmEngine;
    partitions?: number;
    backend?: MemoryLogBackend;
  } = {},
) {
  const settings = parseReasonSettings(options.settings ?? {}, 'test');
  const changelogTopic = reasonChangelogTopic(settings.groupId);
  const binding = reasonBinding({
    settings,
    contextsTopic: names.contexts,
    hypothesesTopic: names.hypotheses,
    deadLetterTopic: names.contextsDeadLetter,
    changelogTopic,
    decoder: codecs.eventDecoder,
    rules,
    graph,
    llm: options.llm,
  });
  const partitions = options.partitions ?? 3;
  return StageDriver.create({
    binding,
    encodeOutput: codecs.encodeOutput,
    topics: [
      { name: names.contexts, partitions },
      { name: names.contextsDeadLetter, partitions: 1 },
      { name: names.hypotheses, partitions },
      { name: changelogTopic, partitions, compacted: true },
    ],
    ...(options.backend ? { backend: options.backend } : {}),
  }).then((driver) => ({ driver, binding, changelogTopic }));
}

async function pipeContexts(driver: StageDriver<ContextEvent, unknown>, contexts: readonly ContextEvent[]) {
  for (const c of contexts) {
    await driver.pipe([
      {
        topic: names.contexts,
        key: c.correlationKey,
        value: await codecs.eventEncoder.encode(names.contexts, 'ContextEvent', c),
      },
    ]);
  }
}

async function hypothesesOf(driver: StageDriver<ContextEvent, unknown>): Promise<HypothesisEvent[]> {
  const out: HypothesisEvent[] = [];
  for (const record of driver.read(names.hypotheses)) {
    const event = (await codecs.eventDecoder.decode(record.value!)) as HypothesisEvent;
    expect(record.key?.toString()).toBe(event.incident.id);
    out.push(event);
  }
  return out;
}

const checkoutContexts = CHECKOUT_INCIDENT.map((spec, i) =>
  context(spec, 'shop', i === 1 ? [POOL_MEMORY] : []),
);

describe('reason stage (in-memory driver)', () => {
  it('turns a multi-series incident into one incident with revisions 1..3 and the expected top hypothesis', async () => {
    const { driver } = await setup();
    await driver.startInstance();
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, checkoutContexts);
    await driver.drain();
    const events = await hypothesesOf(driver as StageDriver<ContextEvent, unknown>);
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3]);
    expect(new Set(events.map((e) => e.incident.id)).size).toBe(1);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3].map((r) => `${events[0]!.incident.id}#${r}`));
    const last = events[2]!;
    expect(last.incident.anomalyIds).toEqual(['a-db-conn', 'a-co-lat', 'a-co-err']);
    expect(last.incident.components).toEqual(['db', 'checkout']);
    expect(last.rankedComponents.map((c) => [c.component, c.upstreamDepth])).toEqual([
      ['db', 1],
      ['checkout', 0],
    ]);
    expect(last.hypotheses[0]).toMatchObject({ ruleId: 'db-connection-pool', component: 'db' });
    expect(last.hypotheses[0]!.confidence).toBeCloseTo(0.9, 9);
    expect(last.engine).toBe('rules');
    expect(last.fallbackReason).toBeNull();
    expect(last.similar.map((s) => s.id)).toEqual([POOL_MEMORY.id]);
    expect(last.trigger).toEqual(checkoutContexts[2]);
    expect(events[0]!.hypotheses[0]!.ruleId).toBe('fallback-unknown');
    expect(events[0]!.similar).toEqual([]);
    await driver.stopAll();
  });

  it('keeps anomalies outside the window or on other correlation keys in separate incidents', async () => {
    const { driver } = await setup();
    await driver.startInstance();
    const late: AnomalySpec = { ...CHECKOUT_INCIDENT[1]!, id: 'a-late', at: T0 + 20 * MINUTE };
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, [
      context(CHECKOUT_INCIDENT[0]!, 'shop'),
      context(CHECKOUT_INCIDENT[1]!, 'billing'),
      context(late, 'shop'),
    ]);
    await driver.drain();
    const events = await hypothesesOf(driver as StageDriver<ContextEvent, unknown>);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.revision === 1)).toBe(true);
    expect(new Set(events.map((e) => e.incident.id)).size).toBe(3);
    await driver.stopAll();
  });

  it('continues the same incident from the changelog after a restart', async () => {
    const backend = new MemoryLogBackend();
    const first = await setup({ backend });
    await first.driver.startInstance();
    await pipeContexts(first.driver as StageDriver<ContextEvent, unknown>, checkoutContexts.slice(0, 2));
    await first.driver.drain();
    await first.driver.stopAll();
    expect(first.driver.changelog(first.changelogTopic).has('shop')).toBe(true);

    const second = await setup({ backend });
    const runner = await second.driver.startInstance();
    await pipeContexts(second.driver as StageDriver<ContextEvent, unknown>, checkoutContexts.slice(2));
    await second.driver.drain();
    const events = await hypothesesOf(second.driver as StageDriver<ContextEvent, unknown>);
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3]);
    expect(new Set(events.map((e) => e.incident.id)).size).toBe(1);
    expect(events[2]!.hypotheses[0]!.ruleId).toBe('db-connection-pool');
    expect(runner.stats.restoredRecords).toBeGreaterThan(0);
    expect(runner.stats.recordsIn).toBe(1);
    await second.driver.stopAll();
  });

  it('drops the state of keys whose incidents closed (tombstones in the changelog)', async () => {
    const { driver, changelogTopic, binding } = await setup({ partitions: 1 });
    await driver.startInstance();
    const quiet = context({ ...CHECKOUT_INCIDENT[0]!, id: 'q1' }, 'quiet');
    const busy = [0, 10, 21, 32].map((minute, i) =>
      context({ ...CHECKOUT_INCIDENT[1]!, id: `b${i}`, at: T0 + minute * MINUTE }, 'busy'),
    );
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, [quiet, ...busy]);
    await driver.drain();
    const latest = driver.changelog(changelogTopic);
    expect(latest.get('quiet')).toBeNull();
    expect(latest.get('busy')).not.toBeNull();
    expect(binding.handler.stats.incidentsClosed).toBeGreaterThanOrEqual(2);
    await driver.stopAll();
  });

  it('dead-letters records that are not context events and goes on', async () => {
    const { driver } = await setup();
    await driver.startInstance();
    const anomalyBytes = await codecs.eventEncoder.encode(
      names.anomalies,
      'AnomalyEvent',
      checkoutContexts[0]!.anomaly,
    );
    await driver.pipe([
      { topic: names.contexts, key: 'shop', value: Buffer.from('not avro') },
      { topic: names.contexts, key: 'shop', value: anomalyBytes },
    ]);
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, checkoutContexts.slice(0, 1));
    await driver.drain();
    const dlq = driver.read(names.contextsDeadLetter);
    expect(dlq).toHaveLength(2);
    expect(dlq.map((r) => r.headers['vigil.dlq.error-class']?.toString())).toContain('invalid-context');
    expect(await hypothesesOf(driver as StageDriver<ContextEvent, unknown>)).toHaveLength(1);
    await driver.stopAll();
  });
});

describe('reason stage with the LLM engine', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await FakeProvider.start('openai');
  });
  afterAll(async () => {
    await fake.stop();
  });

  function llm(timeoutMs: number): LlmEngine {
    return createLlmEngine({
      provider: 'openai',
      baseUrl: fake.baseUrl,
      model: 'm',
      apiKey: 'k',
      apiKeyEnv: 'OPENAI_API_KEY',
      timeoutMs,
      budgetMs: 1000,
      maxTokens: 256,
      breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
      retry: { tries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
  }

  it('uses the LLM answer when it is valid', async () => {
    fake.reply({ content: VALID_ANSWER });
    const engine = llm(2000);
    const { driver } = await setup({ llm: engine });
    await driver.startInstance();
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, checkoutContexts);
    await driver.drain();
    const events = await hypothesesOf(driver as StageDriver<ContextEvent, unknown>);
    expect(events.map((e) => e.engine)).toEqual(['llm', 'llm', 'llm']);
    expect(events[2]!.hypotheses[0]).toMatchObject({
      cause: 'db pool exhausted',
      component: 'db',
      ruleId: null,
    });
    expect(events[2]!.fallbackReason).toBeNull();
    await driver.stopAll();
    engine.shutdown();
  });

  it('a timing-out LLM still yields rule hypotheses with a fallbackReason, without stalling', async () => {
    fake.reply({ content: VALID_ANSWER, delayMs: 5000 });
    fake.requests.length = 0;
    const engine = llm(50);
    const { driver, binding } = await setup({ llm: engine });
    await driver.startInstance();
    const started = Date.now();
    const many = [
      ...checkoutContexts,
      ...[3, 4, 5].map((m) => context({ ...CHECKOUT_INCIDENT[2]!, id: `x${m}`, at: T0 + m * MINUTE })),
    ];
    await pipeContexts(driver as StageDriver<ContextEvent, unknown>, many);
    await driver.drain(5000);
    const elapsed = Date.now() - started;
    const events = await hypothesesOf(driver as StageDriver<ContextEvent, unknown>);
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.every((e) => e.engine === 'rules')).toBe(true);
    expect(events[0]!.fallbackReason).toMatch(/^llm timeout after 3 attempts: no answer within 50 ms/);
    expect(events[2]!.hypotheses[0]!.ruleId).toBe('db-connection-pool');
    // 5 failed attempts open the breaker during the 2nd event; from then on no HTTP call is made
    expect(events[1]!.fallbackReason).toMatch(/circuit breaker now open$/);
    expect(events.slice(2).map((e) => e.fallbackReason)).toEqual(Array(4).fill('llm circuit breaker open'));
    expect(fake.requests).toHaveLength(5);
    expect(elapsed).toBeLessThan(2000);
    expect(binding.handler.stats.llmFallbacks).toBe(6);
    await driver.stopAll();
    engine.shutdown();
  });
});
