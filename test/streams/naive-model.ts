/**
 * Naive reference implementation of the series detector, written for clarity: the window is a plain array,
 * every statistic is recomputed per point by sorting. Tests compare the fast detector against it.
 */
export interface NaiveConfig {
  window: { kind: 'count'; size: number } | { kind: 'time'; durationMs: number; maxSize: number };
  warmupPoints: number;
  allowedLatenessMs: number;
  thresholds: { z: number; robustZ: number; iqrK: number; ewma: number };
  enabled: { z: boolean; robustZ: boolean; iqr: boolean; ewma: boolean };
  alpha: number;
  quorum: number;
  combineThreshold: number;
  floorRelative: number;
  floorAbsolute: number;
}

export interface NaiveEvaluation {
  late: boolean;
  warm: boolean;
  count: number;
  mean: number;
  std: number;
  median: number;
  mad: number;
  q1: number;
  q3: number;
  ewma: number;
  stats: { z: number; robustZ: number; iqr: number; ewma: number };
  direction: 'up' | 'down';
  score: number;
  anomalous: boolean;
}

/** Type-7 quantile of an ascending array. */
export function naiveQuantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const a = sorted[lo] as number;
  if (frac === 0 || lo + 1 >= sorted.length) return a;
  return a + frac * ((sorted[lo + 1] as number) - a);
}

export function naiveMad(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const m = naiveQuantile(sorted, 0.5);
  return naiveQuantile(
    sorted.map((v) => Math.abs(v - m)).sort((a, b) => a - b),
    0.5,
  );
}

export function naiveScore(s: number, t: number): number {
  if (s === 0) return 0;
  return (s * s) / (s * s + t * t);
}

export class NaiveDetector {
  private points: { t: number; v: number }[] = [];
  private newest: number | null = null;
  private ewmaMean = 0;
  private ewmaVar = 0;
  private ewmaInit = false;

  constructor(private readonly c: NaiveConfig) {}

  get values(): number[] {
    return this.points.map((p) => p.v);
  }

  update(t: number, v: number): NaiveEvaluation {
    const c = this.c;
    const late = this.newest !== null && t < this.newest - c.allowedLatenessMs;
    if (!late && c.window.kind === 'time' && this.newest !== null && t > this.newest) {
      const cutoff = t - c.window.durationMs;
      while (this.points.length > 0 && (this.points[0] as { t: number }).t <= cutoff) this.points.shift();
    }
    const w = this.values;
    const n = w.length;
    const sorted = [...w].sort((a, b) => a - b);
    const mean = n === 0 ? 0 : w.reduce((a, b) => a + b, 0) / n;
    const std = n < 2 ? 0 : Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const median = naiveQuantile(sorted, 0.5);
    const q1 = naiveQuantile(sorted, 0.25);
    const q3 = naiveQuantile(sorted, 0.75);
    const mad = naiveMad(w);
    const floor = Math.max(c.floorRelative * Math.abs(median), c.floorAbsolute);
    const iqr = q3 - q1;
    let stats = { z: 0, robustZ: 0, iqr: 0, ewma: 0 };
    if (n > 0) {
      const sigma = Math.max(mad > 0 ? 1.4826 * mad : iqr > 0 ? iqr / 1.349 : std, floor);
      const fence = Math.max(iqr > 0 ? iqr : 1.349 * Math.max(std, floor), floor);
      const ewFloor = Math.max(c.floorRelative * Math.abs(this.ewmaMean), c.floorAbsolute);
      stats = {
        z: Math.abs(v - mean) / Math.max(std, floor),
        robustZ: Math.abs(v - median) / sigma,
        iqr: Math.max(q1 - v, v - q3, 0) / fence,
        ewma: this.ewmaInit ? Math.abs(v - this.ewmaMean) / Math.max(Math.sqrt(this.ewmaVar), ewFloor) : 0,
      };
    }
    const scores: number[] = [];
    if (c.enabled.z) scores.push(naiveScore(stats.z, c.thresholds.z));
    if (c.enabled.robustZ) scores.push(naiveScore(stats.robustZ, c.thresholds.robustZ));
    if (c.enabled.iqr) scores.push(naiveScore(stats.iqr, c.thresholds.iqrK));
    if (c.enabled.ewma) scores.push(naiveScore(stats.ewma, c.thresholds.ewma));
    scores.sort((a, b) => b - a);
    const score =
      n === 0 || scores.length === 0 ? 0 : (scores[Math.min(c.quorum, scores.length) - 1] as number);
    const warm = n >= c.warmupPoints;
    const dir = v !== median ? v - median : v - mean;
    const evaluation: NaiveEvaluation = {
      late,
      warm,
      count: n,
      mean,
      std,
      median,
      mad,
      q1,
      q3,
      ewma: this.ewmaInit ? this.ewmaMean : 0,
      stats,
      direction: dir < 0 ? 'down' : 'up',
      score,
      anomalous: warm && score >= c.combineThreshold,
    };
    if (!late) {
      this.newest = this.newest === null ? t : Math.max(this.newest, t);
      const expired = c.window.kind === 'time' && t <= this.newest - c.window.durationMs;
      if (!expired) {
        const cap = c.window.kind === 'count' ? c.window.size : c.window.maxSize;
        if (this.points.length === cap) this.points.shift();
        this.points.push({ t, v });
        if (!this.ewmaInit) {
          this.ewmaInit = true;
          this.ewmaMean = v;
          this.ewmaVar = 0;
        } else {
          const d = v - this.ewmaMean;
          this.ewmaMean += c.alpha * d;
          this.ewmaVar = (1 - c.alpha) * (this.ewmaVar + d * c.alpha * d);
        }
      }
    }
    return evaluation;
  }
}
