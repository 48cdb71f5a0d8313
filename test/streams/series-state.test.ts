import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../src/streams/detector-config.js';
import { createSeriesDetector } from '../../src/streams/series-detector.js';
import {
  deserializeSeriesState,
  type SeriesDetectorState,
  serializeSeriesState,
} from '../../src/streams/series-state.js';

const configArb: fc.Arbitrary<DetectorConfig> = fc
  .record({
    window: fc.oneof(
      fc.record({ kind: fc.constant('count' as const), size: fc.integer({ min: 1, max: 64 }) }),
      fc.record({
        kind: fc.constant('time' as const),
        durationMs: fc.integer({ min: 1, max: 2000 }),
        maxSize: fc.integer({ min: 1, max: 64 }),
      }),
    ),
    warmupPoints: fc.integer({ min: 0, max: 20 }),
    allowedLatenessMs: fc.constantFrom(0, 50, 500),
    // Short learning and periods so that every novelty statistic is live within the generated streams.
    novelty: fc.record({
      enabled: fc.boolean(),
      learningPoints: fc.integer({ min: 8, max: 60 }),
      seasonalBins: fc.integer({ min: 1, max: 32 }),
      seasonalPeriodMs: fc.integer({ min: 100, max: 5000 }),
    }),
  })
  .map((c) => ({
    ...DEFAULT_DETECTOR_CONFIG,
    ...c,
    novelty: { ...DEFAULT_DETECTOR_CONFIG.novelty, ...c.novelty },
  }));

const streamArb = fc.array(
  fc.record({
    gap: fc.integer({ min: -100, max: 400 }),
    value: fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      fc.constantFrom(1e12, -1e12),
    ),
  }),
  { maxLength: 200 },
);

describe('snapshot / serialize / restore', () => {
  it('a restored detector continues bit-identically to the uninterrupted one', () => {
    fc.assert(
      fc.property(configArb, streamArb, streamArb, (config, before, after) => {
        const original = createSeriesDetector(config);
        let t = 1_700_000_000_000;
        for (const p of before) {
          t += p.gap;
          original.update(t, p.value);
        }
        const bytes = serializeSeriesState(original.snapshot());
        const restored = createSeriesDetector(config, deserializeSeriesState(bytes));
        expect(restored.size).toBe(original.size);
        for (const p of after) {
          t += p.gap;
          // toStrictEqual compares numbers with Object.is: every bit (and the sign of zero) must match.
          expect(restored.update(t, p.value)).toStrictEqual(original.update(t, p.value));
        }
        expect(restored.snapshot()).toStrictEqual(original.snapshot());
      }),
      { numRuns: 200 },
    );
  });

  it('binary form round-trips the plain state exactly', () => {
    fc.assert(
      fc.property(configArb, streamArb, (config, points) => {
        const d = createSeriesDetector(config);
        let t = 0;
        for (const p of points) {
          t += p.gap;
          d.update(t, p.value);
        }
        const state = d.snapshot();
        expect(deserializeSeriesState(serializeSeriesState(state))).toStrictEqual(state);
        // JSON also survives (the plain state is JSON-safe).
        expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
      }),
    );
  });

  it('is compact: about the window values plus a few scalars', () => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    for (let i = 0; i < 500; i++) d.update(i * 1000, Math.sin(i));
    // header + values + novelty block (count word, 11 scalars + 24 seasonal bins) + checksum
    expect(serializeSeriesState(d.snapshot()).length).toBe(72 + 128 * 8 + 8 + (11 + 24) * 8 + 4);
    const off = createSeriesDetector({
      ...DEFAULT_DETECTOR_CONFIG,
      novelty: { ...DEFAULT_DETECTOR_CONFIG.novelty, enabled: false },
    });
    for (let i = 0; i < 500; i++) off.update(i * 1000, Math.sin(i));
    expect(serializeSeriesState(off.snapshot()).length).toBe(72 + 128 * 8 + 8 + 4);
  });

  it('reads version-1 states (plain and binary); novelty then learns afresh', () => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    for (let i = 0; i < 300; i++) d.update(i * 1000, Math.sin(i));
    const { novelty: _dropped, ...rest } = d.snapshot();
    const v1: SeriesDetectorState = { ...rest, version: 1 };
    // Version-1 binary layout: header, values, checksum (no novelty block).
    const v2bytes = serializeSeriesState(v1);
    const valuesEnd = 72 + 8 * v1.values.length;
    const v1bytes = new Uint8Array(valuesEnd + 4);
    v1bytes.set(v2bytes.subarray(0, valuesEnd));
    v1bytes[4] = 1;
    let h = 0x811c9dc5;
    for (let i = 0; i < valuesEnd; i++) h = Math.imul(h ^ (v1bytes[i] as number), 0x01000193);
    new DataView(v1bytes.buffer).setUint32(valuesEnd, h >>> 0, true);
    const parsed = deserializeSeriesState(v1bytes);
    expect(parsed.version).toBe(1);
    expect(parsed.values).toEqual(v1.values);
    expect(parsed.novelty).toBeNull();
    const restored = createSeriesDetector(DEFAULT_DETECTOR_CONFIG, parsed);
    const fresh = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    const e = restored.update(300_000, 0.5);
    fresh.update(0, 0.5);
    expect(e.warm).toBe(true);
    expect(restored.snapshot().novelty).toEqual(fresh.snapshot().novelty);
    expect(restored.snapshot().version).toBe(2);
  });

  it('a state restored into a smaller window keeps the newest points', () => {
    const d = createSeriesDetector({ ...DEFAULT_DETECTOR_CONFIG, window: { kind: 'count', size: 10 } });
    for (let i = 0; i < 10; i++) d.update(i, i);
    const smaller = createSeriesDetector(
      { ...DEFAULT_DETECTOR_CONFIG, window: { kind: 'count', size: 4 } },
      d.snapshot(),
    );
    expect(smaller.snapshot().values).toEqual([6, 7, 8, 9]);
    expect(smaller.snapshot().moments.mean).toBe(7.5);
  });

  it('refuses a state of the other window kind', () => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    d.update(0, 1);
    const time: DetectorConfig = {
      ...DEFAULT_DETECTOR_CONFIG,
      window: { kind: 'time', durationMs: 1000, maxSize: 10 },
    };
    expect(() => createSeriesDetector(time, d.snapshot())).toThrow(
      expect.objectContaining({ code: 'VIGIL_ERR_STREAMS_STATE_MISMATCH' }),
    );
  });
});

describe('deserializeSeriesState rejects garbage', () => {
  const valid = (() => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    for (let i = 0; i < 40; i++) d.update(i * 1000, i % 7);
    return serializeSeriesState(d.snapshot());
  })();
  const corrupt = expect.objectContaining({ code: 'VIGIL_ERR_STREAMS_STATE_CORRUPT' });

  it.each([
    ['empty', new Uint8Array(0), /shorter/],
    ['truncated', valid.slice(0, valid.length - 9), /length|checksum/],
    ['wrong magic', Uint8Array.from(valid, (b, i) => (i === 0 ? 0x00 : b)), /magic/],
    ['future version', Uint8Array.from(valid, (b, i) => (i === 4 ? 9 : b)), /version 9/],
    ['flipped payload bit', Uint8Array.from(valid, (b, i) => (i === 100 ? b ^ 1 : b)), /checksum/],
    ['extra byte', Uint8Array.from([...valid, 0]), /length/],
  ])('%s', (_name, bytes, message) => {
    expect(() => deserializeSeriesState(bytes)).toThrow(corrupt);
    expect(() => deserializeSeriesState(bytes)).toThrow(message);
  });

  it('random bytes always throw the coded error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(() => deserializeSeriesState(bytes)).toThrow(corrupt);
      }),
    );
  });

  it('an invalid plain state is refused on restore', () => {
    const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
    d.update(0, 1);
    const bad = { ...d.snapshot(), values: [Number.NaN] } as SeriesDetectorState;
    expect(() => createSeriesDetector(DEFAULT_DETECTOR_CONFIG, bad)).toThrow(corrupt);
    expect(() => serializeSeriesState(bad)).toThrow(/non-finite/);
  });
});

describe('restore into a rebuilt tree', () => {
  it('continues bit-identically for windows above 256 slots (2-byte slots, two-level tree)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 257, max: 600 }), fc.integer({ min: 0, max: 2000 }), (size, split) => {
        const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, window: { kind: 'count', size } };
        const original = createSeriesDetector(config);
        const value = (i: number) => ((i * 7919) % 101) - 50 + (i % 13 === 0 ? 0.5 : 0);
        for (let i = 0; i < split; i++) original.update(i * 1000, value(i));
        const restored = createSeriesDetector(
          config,
          deserializeSeriesState(serializeSeriesState(original.snapshot())),
        );
        for (let i = split; i < split + 700; i++) {
          expect(restored.update(i * 1000, value(i))).toStrictEqual(original.update(i * 1000, value(i)));
        }
      }),
      { numRuns: 8 },
    );
  });
});
