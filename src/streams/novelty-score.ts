import { scaleFloor } from './robust-scale.js';
import { scoreFromStatistic } from './score-mapping.js';

/**
 * Novelty scores: how far a point (or a slow summary of the recent points) goes beyond everything the
 * series has shown so far. Four O(1) statistics, each mapped to [0, 1] with {@link scoreFromStatistic}
 * against its own threshold; the novelty score is their maximum (see docs/adr/0004-nab-detection.md).
 *
 * - **range**: distance of x outside [min, max] of every value accepted so far, in units of max − min.
 * - **long z**: |x − m| / s with m, s² an exponentially weighted mean / variance of all accepted values
 *   (weight max(1/n, `longAlpha`), so the first 1/`longAlpha` points are an exact running mean).
 * - **level**: the EWMA (`levelAlpha`) of the values including x, outside the [min, max] that EWMA has
 *   taken since point `learningPoints / 4`, in units of that range.
 * - **seasonal**: x minus a per-phase profile (`seasonalBins` bins of the event time modulo
 *   `seasonalPeriodMs`, each an EWMA with `seasonalAlpha`), outside the [min, max] of that residual
 *   since point `2 · learningPoints`, in units of that range.
 *
 * All state lives in `f64[base … base + noveltyWords(bins))` (the series' window buffer), so it costs no
 * extra heap object. Layout: see the constants below.
 */
export interface NoveltySettings {
  readonly learningPoints: number;
  readonly rangeThreshold: number;
  readonly longAlpha: number;
  readonly longThreshold: number;
  readonly levelAlpha: number;
  readonly levelThreshold: number;
  readonly seasonalBins: number;
  readonly seasonalPeriodMs: number;
  readonly seasonalAlpha: number;
  readonly seasonalThreshold: number;
  readonly floorRelative: number;
  readonly floorAbsolute: number;
}

/** {@link NoveltySettings} with the values the hot path derives from them, computed once. */
export interface NoveltyParams extends NoveltySettings {
  readonly levelStartPoints: number;
  readonly seasonalStartPoints: number;
  readonly invRangeThreshold: number;
  readonly invLongThreshold: number;
  readonly invLevelThreshold: number;
  readonly invSeasonalThreshold: number;
  readonly invPeriodMs: number;
}

/** Derives the {@link NoveltyParams} of `s`. */
export function noveltyParams(s: NoveltySettings): NoveltyParams {
  return Object.freeze({
    ...s,
    levelStartPoints: levelStart(s),
    seasonalStartPoints: seasonalStart(s),
    invRangeThreshold: 1 / s.rangeThreshold,
    invLongThreshold: 1 / s.longThreshold,
    invLevelThreshold: 1 / s.levelThreshold,
    invSeasonalThreshold: 1 / s.seasonalThreshold,
    invPeriodMs: 1 / s.seasonalPeriodMs,
  });
}

/**
 * Offsets of the scalars in the novelty region; the seasonal profile follows at {@link PROFILE}. The two
 * per-point functions write them as commented literals (`base + 2` for HI): a module-level constant costs a
 * load and a check per use in V8. The check below keeps the two in step.
 */
export const SEEN = 0;
export const LO = 1;
export const HI = 2;
export const LONG_MEAN = 3;
export const LONG_VAR = 4;
export const LEVEL = 5;
export const LEVEL_LO = 6;
export const LEVEL_HI = 7;
export const SEAS_LO = 8;
export const SEAS_HI = 9;
export const SEAS_MASK = 10;
export const PROFILE = 11;

if (
  SEEN !== 0 ||
  LO !== 1 ||
  HI !== 2 ||
  LONG_MEAN !== 3 ||
  LONG_VAR !== 4 ||
  LEVEL !== 5 ||
  LEVEL_LO !== 6 ||
  LEVEL_HI !== 7 ||
  SEAS_LO !== 8 ||
  SEAS_HI !== 9 ||
  SEAS_MASK !== 10 ||
  PROFILE !== 11
) {
  throw new Error('novelty-score: update the literal offsets in noveltyInto and noveltyAccept');
}

/** Number of float64 words the novelty state of `bins` seasonal bins needs. */
export function noveltyWords(bins: number): number {
  return PROFILE + bins;
}

/** Points after which the level statistic starts (its range is tracked from the point before). */
export function levelStart(s: NoveltySettings): number {
  return Math.max(2, Math.floor(s.learningPoints / 4));
}

/** Points after which the seasonal statistic starts. */
export function seasonalStart(s: NoveltySettings): number {
  return Math.max(2, 2 * s.learningPoints);
}

/**
 * Seasonal bin of event time `t` (ms): floor(frac(t / P) · bins), in [0, bins). (frac via floor, not `%`,
 * which V8 runs as a slow fmod call for doubles.)
 */
export function seasonalBin(t: number, s: NoveltyParams): number {
  const q = t * s.invPeriodMs;
  const b = Math.floor((q - Math.floor(q)) * s.seasonalBins);
  return Math.min(Math.max(b, 0), s.seasonalBins - 1);
}

/**
 * Bit b of the seasonal "bin seen" mask. The mask is a sum of distinct powers 2^b with b < 32, an exact
 * integer below 2^32, so `>>>` (ToUint32) reads it exactly.
 */
function hasBin(mask: number, b: number): boolean {
  return ((mask >>> b) & 1) === 1;
}

/** Distance of `x` outside [lo, hi] in units of hi − lo (the floor when the range is 0); 0 inside. */
export function outsideRange(x: number, lo: number, hi: number, floor: number): number {
  const r = Math.max(hi - lo, floor);
  return x > hi ? (x - hi) / r : x < lo ? (lo - x) / r : 0;
}

function floorOf(s: NoveltySettings, centre: number): number {
  return scaleFloor(centre, s.floorRelative, s.floorAbsolute);
}

/**
 * Writes the four statistics of point x (in seasonal bin `bin`, see {@link seasonalBin}) against the state
 * into `stats[0 … 4)` (range, long z, level, seasonal; 0 while a statistic is still learning) and returns
 * the novelty score, the largest of their scores. Reads the state only. O(1).
 */
export function noveltyScore(
  f64: Float64Array,
  base: number,
  bin: number,
  x: number,
  s: NoveltyParams,
  stats: Float64Array,
): number {
  noveltyInto(f64, base, bin, x, s, NOVELTY_IO);
  stats[0] = NOVELTY_IO[0] as number;
  stats[1] = NOVELTY_IO[1] as number;
  stats[2] = NOVELTY_IO[2] as number;
  stats[3] = NOVELTY_IO[3] as number;
  return NOVELTY_IO[4] as number;
}

const NOVELTY_IO = new Float64Array(5);

/**
 * {@link noveltyScore} writing the four statistics to `out[0 … 4)` and the novelty score to `out[4]`
 * instead of returning it (a returned double is boxed when the call is not inlined).
 */
export function noveltyInto(
  f64: Float64Array,
  base: number,
  bin: number,
  x: number,
  s: NoveltyParams,
  out: Float64Array,
): void {
  const seen = f64[base + 0 /* SEEN */] as number;
  let range = 0;
  let longZ = 0;
  let level = 0;
  let seasonal = 0;
  if (seen >= 2) {
    const lo = f64[base + 1 /* LO */] as number;
    const hi = f64[base + 2 /* HI */] as number;
    range = outsideRange(x, lo, hi, floorOf(s, hi));
    const m = f64[base + 3 /* LONG_MEAN */] as number;
    const sd = Math.sqrt(f64[base + 4 /* LONG_VAR */] as number);
    const f = floorOf(s, m);
    longZ = (x > m ? x - m : m - x) / Math.max(sd, f);
  }
  if (seen >= s.levelStartPoints) {
    const l = f64[base + 5 /* LEVEL */] as number;
    const next = l + s.levelAlpha * (x - l);
    const lo = f64[base + 6 /* LEVEL_LO */] as number;
    const hi = f64[base + 7 /* LEVEL_HI */] as number;
    level = outsideRange(next, lo, hi, floorOf(s, hi));
  }
  if (seen >= s.seasonalStartPoints) {
    const residual = hasBin(f64[base + 10 /* SEAS_MASK */] as number, bin)
      ? x - (f64[base + 11 /* PROFILE */ + bin] as number)
      : 0;
    const lo = f64[base + 8 /* SEAS_LO */] as number;
    const hi = f64[base + 9 /* SEAS_HI */] as number;
    seasonal = outsideRange(residual, lo, hi, floorOf(s, f64[base + 2 /* HI */] as number));
  }
  out[0] = range;
  out[1] = longZ;
  out[2] = level;
  out[3] = seasonal;
  // The mapping is increasing in statistic / threshold: the largest score is the score of the largest ratio.
  const ratio = Math.max(
    range * s.invRangeThreshold,
    longZ * s.invLongThreshold,
    level * s.invLevelThreshold,
    seasonal * s.invSeasonalThreshold,
  );
  out[4] = scoreFromStatistic(ratio, 1);
}

/** Adds accepted point x (in seasonal bin `bin`) to the novelty state. O(1). */
export function noveltyAccept(
  f64: Float64Array,
  base: number,
  bin: number,
  x: number,
  s: NoveltyParams,
): void {
  const seen = f64[base + 0 /* SEEN */] as number;
  // range
  if (seen === 0) {
    f64[base + 1 /* LO */] = x;
    f64[base + 2 /* HI */] = x;
  } else {
    if (x < (f64[base + 1 /* LO */] as number)) f64[base + 1 /* LO */] = x;
    if (x > (f64[base + 2 /* HI */] as number)) f64[base + 2 /* HI */] = x;
  }
  // long mean / variance
  const a = Math.max(1 / (seen + 1), s.longAlpha);
  const d = x - (f64[base + 3 /* LONG_MEAN */] as number);
  f64[base + 3 /* LONG_MEAN */] = (f64[base + 3 /* LONG_MEAN */] as number) + a * d;
  f64[base + 4 /* LONG_VAR */] = (1 - a) * ((f64[base + 4 /* LONG_VAR */] as number) + a * d * d);
  // level
  const l = seen === 0 ? x : (f64[base + 5 /* LEVEL */] as number);
  const level = l + s.levelAlpha * (x - l);
  f64[base + 5 /* LEVEL */] = level;
  const ls = s.levelStartPoints;
  if (seen === ls - 1) {
    f64[base + 6 /* LEVEL_LO */] = level;
    f64[base + 7 /* LEVEL_HI */] = level;
  } else if (seen >= ls) {
    if (level < (f64[base + 6 /* LEVEL_LO */] as number)) f64[base + 6 /* LEVEL_LO */] = level;
    if (level > (f64[base + 7 /* LEVEL_HI */] as number)) f64[base + 7 /* LEVEL_HI */] = level;
  }
  // seasonal residual range, then the profile
  const b = bin;
  const mask = f64[base + 10 /* SEAS_MASK */] as number;
  const known = hasBin(mask, b);
  const p = f64[base + 11 /* PROFILE */ + b] as number;
  const residual = known ? x - p : 0;
  const ss = s.seasonalStartPoints;
  if (seen === ss - 1) {
    f64[base + 8 /* SEAS_LO */] = residual;
    f64[base + 9 /* SEAS_HI */] = residual;
  } else if (seen >= ss) {
    if (residual < (f64[base + 8 /* SEAS_LO */] as number)) f64[base + 8 /* SEAS_LO */] = residual;
    if (residual > (f64[base + 9 /* SEAS_HI */] as number)) f64[base + 9 /* SEAS_HI */] = residual;
  }
  if (known) {
    f64[base + 11 /* PROFILE */ + b] = p + s.seasonalAlpha * (x - p);
  } else {
    f64[base + 11 /* PROFILE */ + b] = x;
    f64[base + 10 /* SEAS_MASK */] = mask + 2 ** b;
  }
  f64[base + 0 /* SEEN */] = seen + 1;
}
