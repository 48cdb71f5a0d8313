/**
 * Throughput and memory benchmark of the series detector (src/streams).
 *
 * `node --expose-gc --import tsx bench/detector.ts` (or `npx tsx bench/detector.ts`) prints the JSON result
 * (about 20 s). Deterministic input: a seeded LCG drives noisy series with occasional spikes; all four
 * detectors are on. Rates are measured in CPU time of this process (user + system; the loop is
 * single-threaded), which is the "one core" rate; the wall-clock rate is reported beside it.
 *
 * The timed points are split into blocks, alternating `update` and `updateScore` blocks so that both see
 * the same machine conditions; each headline rate is the median block rate, and every block rate is
 * reported too (on a shared machine the spread is the honest error bar).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../src/streams/detector-config.js';
import { createSeriesDetector, type SeriesDetector } from '../src/streams/series-detector.js';
import { serializeSeriesState } from '../src/streams/series-state.js';

/** Result of {@link benchDetector}. Rates are points per CPU second on one core unless noted. */
export interface DetectorBenchResult {
  /** `update()` (full evaluation object per point, as the detect stage calls it) over `series` detectors
   * round-robin: median of the block rates. */
  pointsPerSec: number;
  /** Every `update()` block rate, in run order. */
  pointsPerSecBlocks: number[];
  /** All `update()` points per wall-clock second. */
  wallPointsPerSec: number;
  /** `updateScore()` (no allocation) over the same detectors: median of the block rates. */
  scoreOnlyPointsPerSec: number;
  /** `update()` over 16 series (state in cache), median block rate: the compute-bound ceiling. */
  inCachePointsPerSec: number;
  /** Naive baseline: recompute every statistic by sorting the window per point. */
  naivePointsPerSec: number;
  /** Heap + ArrayBuffer bytes per active series (10 000 series, full windows). */
  bytesPerSeries: number;
  /** True when the memory figure was taken after forced full GCs (else plain memoryUsage deltas). */
  gcForced: boolean;
  /** Serialised state size of one full series, bytes. */
  serializedBytesPerSeries: number;
}

/** Options: number of series, window size, and points to feed the fast detector in total. */
export async function benchDetector(opts: {
  series: number;
  window: number;
  points: number;
}): Promise<DetectorBenchResult> {
  const config: DetectorConfig = { ...DEFAULT_DETECTOR_CONFIG, window: { kind: 'count', size: opts.window } };
  const rand = lcg(12345);
  const input = new Float64Array(1 << 16);
  for (let i = 0; i < input.length; i++) input[i] = 100 + (rand() - 0.5) * 10 + (rand() < 0.001 ? 50 : 0);
  const mask = input.length - 1;

  const detectors: SeriesDetector[] = [];
  for (let s = 0; s < opts.series; s++) detectors.push(createSeriesDetector(config));
  // Fill every window (and warm the JIT) before timing.
  let t = 0;
  for (let i = 0; i < opts.window; i++, t += 1000) {
    for (let s = 0; s < opts.series; s++)
      detectors[s]?.updateScore(t, input[(i * 7919 + s) & mask] as number);
  }

  const blocks = 5;
  const rounds = Math.max(1, Math.floor(opts.points / opts.series / blocks));
  const run = (list: SeriesDetector[], useUpdate: boolean, salt: number): number => {
    const cpu = process.cpuUsage();
    let hits = 0;
    for (let r = 0; r < rounds; r++, t += 1000) {
      const base = r * salt;
      for (let s = 0; s < list.length; s++) {
        const x = input[(base + s) & mask] as number;
        const d = list[s] as SeriesDetector;
        if (useUpdate) {
          if (d.update(t, x).anomalous) hits++;
        } else if (d.updateScore(t, x) >= 0.5) hits++;
      }
    }
    sink += hits;
    return (rounds * list.length) / cpuSeconds(cpu);
  };
  let sink = 0;
  const updateRates: number[] = [];
  const scoreRates: number[] = [];
  let wallNs = 0n;
  for (let b = 0; b < blocks; b++) {
    const w0 = process.hrtime.bigint();
    updateRates.push(run(detectors, true, 31));
    wallNs += process.hrtime.bigint() - w0;
    scoreRates.push(run(detectors, false, 17));
  }
  const pointsPerSec = median(updateRates);
  const wallPointsPerSec = (rounds * blocks * opts.series) / (Number(wallNs) / 1e9);
  const scoreOnlyPointsPerSec = median(scoreRates);

  // Compute-bound ceiling: the same work over 16 series, whose state stays in cache.
  const few = detectors.slice(0, 16);
  const fewRates: number[] = [];
  const fewRounds = Math.max(1, Math.floor(opts.points / blocks / few.length / 4));
  for (let b = 0; b < blocks; b++) {
    const cpu = process.cpuUsage();
    for (let r = 0; r < fewRounds; r++, t += 1000) {
      for (let s = 0; s < few.length; s++) {
        if ((few[s] as SeriesDetector).update(t, input[(r * 13 + s) & mask] as number).anomalous) sink++;
      }
    }
    fewRates.push((fewRounds * few.length) / cpuSeconds(cpu));
  }
  const inCachePointsPerSec = median(fewRates);

  // The naive baseline sorts per point: run it on fewer points.
  const naivePoints = Math.min(opts.points, 100_000);
  const cpu = process.cpuUsage();
  sink += naiveRun(config, input, naivePoints, Math.min(opts.series, 1000));
  const naivePointsPerSec = naivePoints / cpuSeconds(cpu);

  const serializedBytesPerSeries = serializeSeriesState((detectors[0] as SeriesDetector).snapshot()).length;
  detectors.length = 0;
  const { bytesPerSeries, gcForced } = measureBytesPerSeries(config, opts.window, input);
  if (sink === Number.MIN_VALUE) console.log('unreachable');
  return {
    pointsPerSec,
    pointsPerSecBlocks: updateRates.map(Math.round),
    wallPointsPerSec,
    scoreOnlyPointsPerSec,
    inCachePointsPerSec,
    naivePointsPerSec,
    bytesPerSeries,
    gcForced,
    serializedBytesPerSeries,
  };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** `global.gc` when node runs with --expose-gc, else one obtained by enabling the flag at run time. */
function findGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Naive reference: per point, copy and sort the window and recompute every statistic. */
function naiveRun(config: DetectorConfig, input: Float64Array, points: number, series: number): number {
  const size = config.window.kind === 'count' ? config.window.size : config.window.maxSize;
  const windows: number[][] = [];
  const ewma: number[] = [];
  const ewmvar: number[] = [];
  for (let s = 0; s < series; s++) {
    windows.push([]);
    ewma.push(0);
    ewmvar.push(0);
  }
  const mask = input.length - 1;
  const q = (a: number[], p: number): number => {
    const h = (a.length - 1) * p;
    const lo = Math.floor(h);
    const x = a[lo] as number;
    return lo + 1 < a.length ? x + (h - lo) * ((a[lo + 1] as number) - x) : x;
  };
  let sink = 0;
  for (let i = 0; i < points; i++) {
    const s = i % series;
    const x = input[(i * 13) & mask] as number;
    const w = windows[s] as number[];
    if (w.length > 0) {
      const sorted = [...w].sort((a, b) => a - b);
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, w.length - 1));
      const med = q(sorted, 0.5);
      const mad = q(
        sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b),
        0.5,
      );
      const q1 = q(sorted, 0.25);
      const q3 = q(sorted, 0.75);
      const z = Math.abs(x - mean) / (std || 1e-12);
      const rz = Math.abs(x - med) / (1.4826 * mad || 1e-12);
      const iq = Math.max(q1 - x, x - q3, 0) / (q3 - q1 || 1e-12);
      const ez = Math.abs(x - (ewma[s] as number)) / (Math.sqrt(ewmvar[s] as number) || 1e-12);
      sink += z + rz + iq + ez;
    }
    w.push(x);
    if (w.length > size) w.shift();
    const d = x - (ewma[s] as number);
    ewma[s] = (ewma[s] as number) + 0.1 * d;
    ewmvar[s] = 0.9 * ((ewmvar[s] as number) + d * 0.1 * d);
  }
  return sink > 0 ? 1 : 0;
}

/** Heap + ArrayBuffer growth per series for 10 000 detectors with full windows. */
function measureBytesPerSeries(
  config: DetectorConfig,
  window: number,
  input: Float64Array,
): { bytesPerSeries: number; gcForced: boolean } {
  const count = 10_000;
  const gc = findGc();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc?.();
  gc?.();
  const before = used();
  const keep: SeriesDetector[] = [];
  for (let s = 0; s < count; s++) {
    const d = createSeriesDetector(config);
    for (let i = 0; i < window; i++)
      d.updateScore(i * 1000, input[(s + i * 101) & (input.length - 1)] as number);
    keep.push(d);
  }
  gc?.();
  gc?.();
  const after = used();
  const perSeries = (after - before) / count;
  return { bytesPerSeries: keep.length === count ? Math.round(perSeries) : 0, gcForced: gc !== undefined };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  const result = await benchDetector({ series: 10_000, window: 128, points: 4_000_000 });
  console.log(JSON.stringify(result, null, 2));
}
