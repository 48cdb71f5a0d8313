import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RANKING_WEIGHTS, rankComponents } from '../../../src/reasoning/component-ranking.js';
import type { IncidentBook } from '../../../src/reasoning/incident.js';
import { groupAnomaly } from '../../../src/reasoning/incident-grouping.js';
import {
  createLlmEngine,
  type LlmEngine,
  type LlmEngineOptions,
} from '../../../src/reasoning/llm/llm-engine.js';
import { LlmError } from '../../../src/reasoning/llm/llm-errors.js';
import type { LlmProvider } from '../../../src/reasoning/llm/providers.js';
import { fullJitterDelay, retryWithBackoff } from '../../../src/reasoning/llm/retry.js';
import type { ReasoningInput } from '../../../src/reasoning/reasoning-input.js';
import { CHECKOUT_INCIDENT, context, groupingOptions } from '../fixtures.js';
import { FakeProvider, VALID_ANSWER } from './fake-provider.js';

function incidentInput(): ReasoningInput {
  let book: IncidentBook | undefined;
  let result!: ReturnType<typeof groupAnomaly>;
  for (const spec of CHECKOUT_INCIDENT) {
    result = groupAnomaly(book, context(spec), groupingOptions());
    book = result.book;
  }
  const { incident } = result;
  return {
    incident,
    rankedComponents: rankComponents(incident.anomalies, {
      weights: DEFAULT_RANKING_WEIGHTS,
      onsetHorizonMs: 300_000,
    }),
    similar: [],
  };
}

const input = incidentInput();

describe('full-jitter backoff', () => {
  it('draws each delay uniformly below min(cap, base·2^retry)', () => {
    expect(fullJitterDelay(0, 1000, 60_000, () => 0.5)).toBe(500);
    expect(fullJitterDelay(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(fullJitterDelay(10, 1000, 60_000, () => 0.999)).toBeCloseTo(59_940, 6);
    expect(fullJitterDelay(2, 1000, 60_000, () => 0)).toBe(0);
  });

  it('retries only retriable errors, at most `tries` times, and respects the deadline', async () => {
    const sleeps: number[] = [];
    const base = {
      tries: 3,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      random: () => 1,
      now: () => 0,
      isRetriable: (e: unknown) => e instanceof LlmError && e.retriable,
    };
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new LlmError('server-error', 'HTTP 503');
    };
    await expect(retryWithBackoff(failing, base)).rejects.toThrow('HTTP 503');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([1000, 2000]);
    calls = 0;
    await expect(
      retryWithBackoff(async () => {
        calls++;
        throw new LlmError('rejected', 'HTTP 400');
      }, base),
    ).rejects.toThrow('HTTP 400');
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryWithBackoff(failing, { ...base, deadlineMs: 1500 })).rejects.toThrow();
    expect(calls).toBe(2); // the second delay (2000 ms) would pass the deadline
  });
});

describe.each<LlmProvider>(['openai', 'anthropic'])(
  'LLM engine against a local %s-style server',
  (provider) => {
    let fake: FakeProvider;
    let engine: LlmEngine | undefined;
    let sleeps: number[];

    beforeAll(async () => {
      fake = await FakeProvider.start(provider);
    });
    afterAll(async () => {
      await fake.stop();
    });
    afterEach(() => {
      engine?.shutdown();
      engine = undefined;
      fake.requests.length = 0;
    });

    function make(overrides: Partial<LlmEngineOptions> = {}): LlmEngine {
      sleeps = [];
      engine = createLlmEngine({
        provider,
        baseUrl: fake.baseUrl,
        model: 'test-model',
        apiKey: 'sk-test',
        apiKeyEnv: 'TEST_KEY',
        timeoutMs: 2000,
        budgetMs: 10_000,
        maxTokens: 512,
        breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
        retry: { tries: 3, baseDelayMs: 1000, maxDelayMs: 60_000 },
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...overrides,
      });
      return engine;
    }

    it('returns the validated hypotheses, most confident first, from one request', async () => {
      fake.reply({ content: VALID_ANSWER });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.hypotheses.map((h) => [h.cause, h.component, h.ruleId])).toEqual([
        ['db pool exhausted', 'db', null],
        ['checkout slow', 'checkout', null],
      ]);
      expect(fake.requests).toHaveLength(1);
      const [request] = fake.requests;
      if (provider === 'openai') {
        expect(request!.path).toBe('/v1/chat/completions');
        expect(request!.headers.authorization).toBe('Bearer sk-test');
        expect(request!.body).toMatchObject({ model: 'test-model', max_tokens: 512 });
      } else {
        expect(request!.path).toBe('/v1/messages');
        expect(request!.headers['x-api-key']).toBe('sk-test');
        expect(request!.headers['anthropic-version']).toBe('2023-06-01');
        expect(request!.body).toMatchObject({ model: 'test-model', max_tokens: 512 });
      }
      expect(JSON.stringify(request!.body)).toContain('connections_active');
    });

    it('accepts the JSON inside a ``` fence', async () => {
      fake.reply({ content: `Here you go:\n\`\`\`json\n${VALID_ANSWER}\n\`\`\`` });
      expect((await make().hypothesize(input, [])).ok).toBe(true);
    });

    it('retries a 429 after a full-jitter delay and then succeeds', async () => {
      fake.reply({ status: 429, raw: '{"error":"rate limited"}' }, { content: VALID_ANSWER });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok).toBe(true);
      expect(outcome.attempts).toBe(2);
      expect(fake.requests).toHaveLength(2);
      expect(sleeps).toEqual([500]);
    });

    it('gives up after 3 attempts of HTTP 500, with the reason', async () => {
      fake.reply({ status: 500 });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(fake.requests).toHaveLength(3);
      expect(sleeps).toEqual([500, 1000]);
      expect(outcome.reason).toMatch(/^llm request failed after 3 attempts: HTTP 500/);
      expect(outcome.error.kind).toBe('server-error');
    });

    it('times out a slow answer per attempt (AbortController) and retries', async () => {
      fake.reply({ content: VALID_ANSWER, delayMs: 1000 });
      const started = Date.now();
      const outcome = await make({ timeoutMs: 60 }).hypothesize(input, []);
      expect(Date.now() - started).toBeLessThan(900);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.error.kind).toBe('timeout');
      expect(outcome.reason).toMatch(/^llm timeout after 3 attempts: no answer within 60 ms/);
      expect(fake.requests).toHaveLength(3);
    });

    it.each([
      ['malformed JSON', 'the cause is the db', /model output is not JSON/],
      [
        'schema-invalid JSON',
        JSON.stringify({
          hypotheses: [{ cause: 'x', component: null, confidence: 2, evidence: [], steps: [] }],
        }),
        /does not match the schema: hypotheses\.0\.confidence/,
      ],
      ['an empty list', JSON.stringify({ hypotheses: [] }), /hypotheses/],
    ])('does not retry %s', async (_what, content, reason) => {
      fake.reply({ content });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(outcome.error.kind).toBe('invalid-output');
      expect(outcome.reason).toMatch(/^llm returned invalid output: /);
      expect(outcome.reason).toMatch(reason);
      expect(fake.requests).toHaveLength(1);
    });

    it('does not retry a provider envelope without content', async () => {
      fake.reply({ raw: '{"unexpected":true}' });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok ? '' : outcome.error.kind).toBe('invalid-output');
      expect(fake.requests).toHaveLength(1);
    });

    it.each([400, 401])('does not retry HTTP %i', async (status) => {
      fake.reply({ status, raw: '{"error":"bad"}' });
      const outcome = await make().hypothesize(input, []);
      expect(outcome.ok ? '' : outcome.error.kind).toBe('rejected');
      expect(fake.requests).toHaveLength(1);
    });

    it('opens the breaker after 5 failures, then answers without HTTP; half-opens after the reset time', async () => {
      fake.reply({ status: 500 });
      const llm = make({
        retry: { tries: 1, baseDelayMs: 1000, maxDelayMs: 60_000 },
        breaker: { failureThreshold: 5, resetTimeoutMs: 150 },
      });
      for (let i = 0; i < 4; i++) await llm.hypothesize(input, []);
      expect(llm.state).toBe('closed');
      const fifth = await llm.hypothesize(input, []);
      expect(fifth.ok).toBe(false);
      expect(llm.state).toBe('open');
      expect(fake.requests).toHaveLength(5);
      for (let i = 0; i < 3; i++) {
        const outcome = await llm.hypothesize(input, []);
        expect(outcome.ok ? '' : outcome.reason).toBe('llm circuit breaker open');
      }
      expect(fake.requests).toHaveLength(5);
      expect(llm.stats.shortCircuits).toBe(3);

      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(llm.state).toBe('half-open');
      fake.reply({ content: VALID_ANSWER });
      expect((await llm.hypothesize(input, [])).ok).toBe(true);
      expect(llm.state).toBe('closed');
      expect(fake.requests).toHaveLength(6);
    });

    it('a breaker that opens during retries stops them and says so', async () => {
      fake.reply({ status: 503 });
      const llm = make({ breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 } });
      const outcome = await llm.hypothesize(input, []);
      expect(fake.requests).toHaveLength(2);
      expect(outcome.ok ? '' : outcome.reason).toMatch(/HTTP 503.*; circuit breaker now open$/);
    });

    it('makes no request without an API key', async () => {
      const outcome = await make({ apiKey: undefined }).hypothesize(input, []);
      expect(outcome.ok ? '' : outcome.reason).toBe('llm api key missing: no API key in TEST_KEY');
      expect(fake.requests).toHaveLength(0);
    });
  },
);

describe('LLM engine network errors', () => {
  it('retries when nothing listens, then reports the provider unreachable', async () => {
    const fake = await FakeProvider.start('openai');
    const baseUrl = fake.baseUrl;
    await fake.stop();
    const engine = createLlmEngine({
      provider: 'openai',
      baseUrl,
      model: 'm',
      apiKey: 'k',
      apiKeyEnv: 'K',
      timeoutMs: 1000,
      budgetMs: 5000,
      maxTokens: 100,
      breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
      retry: { tries: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const outcome = await engine.hypothesize(input, []);
    engine.shutdown();
    engine.shutdown();
    expect(outcome.ok ? '' : outcome.error.kind).toBe('network');
    expect(outcome.attempts).toBe(3);
    expect(outcome.ok ? '' : outcome.reason).toMatch(/^llm unreachable after 3 attempts/);
  });
});
