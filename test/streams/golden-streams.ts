/**
 * Seeded synthetic streams and a bit-exact hasher for the detector golden test
 * (`detector-golden.test.ts`). Everything here is deterministic: the same seed gives the same points, and
 * the hash covers the IEEE-754 bits of every number, so −0 ≠ 0 and NaN payloads would show.
 */
import { createHash, type Hash } from 'node:crypto';
import type { PointEvaluation } from '../../src/streams/series-detector.js';

/** One point of a synthetic stream: event time (ms) and value. */
export interface GoldenPoint {
  readonly t: number;
  readonly v: number;
}

/** Mulberry32: a small seeded PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

/** Uniform ±1 noise around 50 with 0.5 % spikes and dips of 25 and a level shift of +20 halfway. */
export function noiseWithIncidents(n: number, seed: number): GoldenPoint[] {
  const r = mulberry32(seed);
  const out: GoldenPoint[] = [];
  for (let i = 0; i < n; i++) {
    let v = 50 + (r() * 2 - 1) + (i >= n / 2 ? 20 : 0);
    const u = r();
    if (u < 0.0025) v += 25;
    else if (u < 0.005) v -= 25;
    out.push({ t: T0 + i * MINUTE, v });
  }
  return out;
}

/** Daily sine (5-minute steps) with noise, a few flat stretches and a missing daily peak. */
export function seasonal(n: number, seed: number): GoldenPoint[] {
  const r = mulberry32(seed);
  const out: GoldenPoint[] = [];
  const step = 5 * MINUTE;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * step;
    const phase = ((t % 86_400_000) / 86_400_000) * 2 * Math.PI;
    let v = 100 + 40 * Math.sin(phase) + 3 * (r() - 0.5);
    if (i % 5000 > 4800) v = 100; // flat stretch
    if (i % 7000 > 6900 && Math.sin(phase) > 0.8) v = 100; // missing peak
    if (r() < 0.001) v += 200 * (r() - 0.5);
    out.push({ t, v });
  }
  return out;
}

/** Small integers in −3 … 3 with long constant runs: ties everywhere, MAD and IQR often 0. */
export function tiesAndRuns(n: number, seed: number): GoldenPoint[] {
  const r = mulberry32(seed);
  const out: GoldenPoint[] = [];
  let run = 0;
  let value = 0;
  for (let i = 0; i < n; i++) {
    if (run === 0) {
      run = r() < 0.1 ? 1 + Math.floor(r() * 400) : 1;
      value = Math.floor(r() * 7) - 3;
    }
    run--;
    out.push({ t: T0 + i * 1000, v: value });
  }
  return out;
}

/** A random walk at 1e6 with tiny steps, jumps, and values of both signs near 0 (−0 included). */
export function walkAndMagnitudes(n: number, seed: number): GoldenPoint[] {
  const r = mulberry32(seed);
  const out: GoldenPoint[] = [];
  let x = 1e6;
  for (let i = 0; i < n; i++) {
    x += (r() - 0.5) * 1e-3;
    if (r() < 0.0005) x += (r() - 0.5) * 1e5;
    let v = x;
    const section = Math.floor(i / 4000) % 4;
    if (section === 1) v = (r() - 0.5) * 1e-300;
    else if (section === 2) v = r() < 0.3 ? -0 : (r() - 0.5) * 2;
    else if (section === 3 && r() < 0.01) v = r() < 0.5 ? 1e300 : -1e300;
    out.push({ t: T0 + i * 10_000, v });
  }
  return out;
}

/** Jittered, partly out-of-order event times (some beyond 60 s lateness), heavy-tailed values. */
export function jitteredHeavyTails(n: number, seed: number): GoldenPoint[] {
  const r = mulberry32(seed);
  const out: GoldenPoint[] = [];
  let t = T0;
  for (let i = 0; i < n; i++) {
    t += 15_000;
    const u = r();
    const jitter = u < 0.05 ? -Math.floor(r() * 120_000) : u < 0.1 ? Math.floor(r() * 600_000) : 0;
    if (jitter > 0) t += jitter;
    const cauchy = Math.tan(Math.PI * (r() - 0.5));
    out.push({ t: jitter < 0 ? t + jitter : t, v: 20 + Math.max(-1e6, Math.min(1e6, cauchy)) });
  }
  return out;
}

/** Hashes evaluations and other values bit-exactly (SHA-256 over a fixed little-endian encoding). */
export class GoldenHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly buf = new Float64Array(64);
  private n = 0;

  /** Every field of `e`, in a fixed order (independent of property order). */
  evaluation(e: PointEvaluation): void {
    this.num(e.timestampMs);
    this.num(e.value);
    this.num(e.warm ? 1 : 0);
    this.num(e.late ? 1 : 0);
    this.num(e.score);
    this.num(e.anomalous ? 1 : 0);
    this.num(e.direction === 'up' ? 1 : e.direction === 'down' ? -1 : Number.NaN);
    const b = e.baseline;
    for (const x of [b.count, b.mean, b.std, b.median, b.mad, b.q1, b.q3, b.ewma]) this.num(x);
    this.num(e.readings.length);
    for (const r of e.readings) {
      this.str(r.detector);
      this.num(r.statistic);
      this.num(r.threshold);
      this.num(r.score);
      this.num(r.fired ? 1 : 0);
    }
  }

  /** A plain value (numbers, strings, booleans, null, arrays, objects with sorted keys). */
  value(x: unknown): void {
    if (x === null || x === undefined) this.str(String(x));
    else if (typeof x === 'number') this.num(x);
    else if (typeof x === 'string') this.str(x);
    else if (typeof x === 'boolean') this.num(x ? 1 : 0);
    else if (Array.isArray(x)) {
      this.str('[');
      this.num(x.length);
      for (const y of x) this.value(y);
    } else if (typeof x === 'object') {
      this.str('{');
      for (const key of Object.keys(x).sort()) {
        this.str(key);
        this.value((x as Record<string, unknown>)[key]);
      }
    } else throw new Error(`cannot hash ${typeof x}`);
  }

  num(x: number): void {
    this.buf[this.n++] = x;
    if (this.n === this.buf.length) this.flush();
  }

  str(s: string): void {
    this.flush();
    this.hash.update(`${s.length}:${s}`);
  }

  /** Hex digest (the hasher cannot be used afterwards). */
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private flush(): void {
    if (this.n === 0) return;
    this.hash.update(new Uint8Array(this.buf.buffer, 0, this.n * 8));
    this.n = 0;
  }
}
