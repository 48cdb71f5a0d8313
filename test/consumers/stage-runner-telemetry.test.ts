import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord, OutgoingRecord } from '../../src/consumers/log-port.js';
import { StageDriver } from '../../src/consumers/stage-driver.js';
import { CORRELATION_ID_HEADER, INCIDENT_ID_HEADER } from '../../src/consumers/stage-telemetry.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { counterBinding, counterTopics, countRecord, encodeJson } from '../support/counter-stage.js';
import { captureSpans, logLines, parseTraceparent, traceparent } from '../support/span-capture.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';
const header = (r: LogRecord, name: string) => r.headers[name]?.toString('utf8');
const traced = (record: OutgoingRecord, parent = traceparent(TRACE, PARENT)): OutgoingRecord => ({
  ...record,
  headers: { ...record.headers, traceparent: parent },
});

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

async function counterDriver(options: Partial<Parameters<typeof StageDriver.create>[0]> = {}) {
  const driver = await StageDriver.create({
    binding: counterBinding({ poisonN: 13 }),
    encodeOutput: encodeJson,
    topics: counterTopics(2),
    ...options,
  });
  await driver.startInstance();
  return driver;
}

describe('stage runner: tracing', () => {
  it('handles a record carrying a traceparent in a child span and writes that span into every output', async () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const driver = await counterDriver({
      tracer: tracing.stageTracer({ name: 'counter', groupId: 'counter-group' }),
    });
    await driver.pipe([traced(countRecord('a', 1)), countRecord('b', 2)]);
    await driver.drain();
    await driver.stopAll();

    const spans = capture.spans();
    expect(spans).toHaveLength(1); // the untraced record gets no span
    const span = spans[0]!;
    expect(span.name).toBe('counter process');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(TRACE);
    expect(span.parentSpanContext?.spanId).toBe(PARENT);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'in',
      'messaging.kafka.offset': 0,
      'messaging.consumer.group.name': 'counter-group',
      'vigil.stage': 'counter',
      'vigil.state_key': 'a',
      'vigil.outputs': 1,
    });

    const out = driver.read('out');
    const a = out.find((r) => r.key?.toString() === 'a')!;
    const b = out.find((r) => r.key?.toString() === 'b')!;
    const written = parseTraceparent(header(a, 'traceparent'));
    expect(written).toEqual({ traceId: TRACE, spanId: span.spanContext().spanId, flags: '01' });
    expect(b.headers).toEqual({});
  });

  it('marks a dead-lettered record failed and writes the dead letter with its span', async () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const driver = await counterDriver({
      tracer: tracing.stageTracer({ name: 'counter', groupId: 'counter-group' }),
    });
    await driver.pipe([traced(countRecord('a', 13))]);
    await driver.drain();
    await driver.stopAll();
    const [span] = capture.spans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['vigil.outcome']).toBe('dead-lettered');
    const letter = driver.read('in.dlq')[0]!;
    expect(parseTraceparent(header(letter, 'traceparent')).spanId).toBe(span!.spanContext().spanId);
    expect(header(letter, 'vigil.dlq.error-class')).toBe('handler-error');
  });

  it('propagates an unsampled trace without recording a span', async () => {
    const capture = captureSpans();
    tracing = capture.tracing;
    const driver = await counterDriver({
      tracer: tracing.stageTracer({ name: 'counter', groupId: 'counter-group' }),
    });
    await driver.pipe([traced(countRecord('a', 1), traceparent(TRACE, PARENT, false))]);
    await driver.drain();
    await driver.stopAll();
    expect(capture.spans()).toEqual([]);
    const written = parseTraceparent(header(driver.read('out')[0]!, 'traceparent'));
    expect(written.traceId).toBe(TRACE);
    expect(written.flags).toBe('00');
  });

  it('with tracing off writes no trace headers, even for inputs that carry one', async () => {
    const driver = await counterDriver();
    await driver.pipe([traced(countRecord('a', 1))]);
    await driver.drain();
    await driver.stopAll();
    expect(driver.read('out')[0]!.headers).toEqual({});
  });
});

describe('stage runner: correlation ids and log bindings', () => {
  it('carries the input correlation to outputs, adds what an output establishes, and binds both to the logs', async () => {
    const { stream, lines } = logLines();
    const driver = await counterDriver({
      logger: pino({ level: 'debug' }, stream),
      // Sums of key "inc" establish an incident id; nothing else does.
      correlate: (output) =>
        (output.value as { key: string }).key === 'inc' ? { incidentId: 'incident-7' } : undefined,
    });
    await driver.pipe([
      { ...countRecord('a', 1), headers: { [CORRELATION_ID_HEADER]: 'anomaly-1' } },
      { ...countRecord('inc', 1), headers: { [CORRELATION_ID_HEADER]: 'anomaly-2' } },
      countRecord('plain', 1),
      { ...countRecord('a', 13), headers: { [CORRELATION_ID_HEADER]: 'anomaly-3' } },
    ]);
    await driver.drain();
    await driver.stopAll();

    const byKey = new Map(driver.read('out').map((r) => [r.key!.toString(), r]));
    expect(header(byKey.get('a')!, CORRELATION_ID_HEADER)).toBe('anomaly-1');
    expect(header(byKey.get('a')!, INCIDENT_ID_HEADER)).toBeUndefined();
    expect(header(byKey.get('inc')!, CORRELATION_ID_HEADER)).toBe('anomaly-2');
    expect(header(byKey.get('inc')!, INCIDENT_ID_HEADER)).toBe('incident-7');
    expect(byKey.get('plain')!.headers).toEqual({});

    const processed = lines.filter((l) => l.msg === 'record processed');
    const partitionOf = (key: string) => byKey.get(key)!.partition;
    expect(processed.find((l) => l.key === 'a')).toMatchObject({
      stage: 'counter',
      topic: 'in',
      partition: partitionOf('a'),
      correlationId: 'anomaly-1',
    });
    expect(processed.find((l) => l.key === 'inc')).toMatchObject({
      correlationId: 'anomaly-2',
      incidentId: 'incident-7',
    });
    expect(processed.find((l) => l.key === 'plain')).not.toHaveProperty('correlationId');
    const deadLettered = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('dead-lettered'));
    expect(deadLettered).toMatchObject({ stage: 'counter', topic: 'in', correlationId: 'anomaly-3' });
    expect(deadLettered).toHaveProperty('partition');
  });

  it('binds stage, topic and partition to the restore line of every partition', async () => {
    const { stream, lines } = logLines();
    const driver = await counterDriver({ logger: pino({ level: 'info' }, stream) });
    await driver.pipe([countRecord('a', 1), countRecord('b', 1), countRecord('c', 1), countRecord('d', 1)]);
    await driver.drain();
    await driver.stopAll();
    const restores = lines.filter((l) => l.msg === 'partition state restored');
    expect(restores.map((l) => l.partition).sort()).toEqual([0, 1]);
    for (const line of restores) expect(line).toMatchObject({ stage: 'counter', topic: 'in' });
  });
});
