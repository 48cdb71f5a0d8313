import { VigilError } from '../errors.js';

/**
 * Current version of {@link SeriesDetectorState} and of its binary form. Version 2 added the novelty state;
 * version-1 states (and binaries) are still read (novelty then learns afresh).
 */
export const SERIES_STATE_VERSION = 2;

/**
 * Everything a series detector needs to continue exactly where it stopped: the window's points in arrival
 * order and the running scalars. Plain data (JSON-safe except that it is not meant to be hand-edited);
 * order-statistic structures are rebuilt from `values` on restore in O(w log w).
 *
 * Invariants: `values.length ≤ window.capacity`; `timesMs` is null for count windows and has the same length
 * as `values` for time windows; every number is finite; `moments.m2 ≥ 0`; `ewma.variance ≥ 0`.
 */
export interface SeriesDetectorState {
  readonly version: 1 | 2;
  readonly window: { readonly kind: 'count' | 'time'; readonly capacity: number };
  /** Window values, oldest arrival first. */
  readonly values: readonly number[];
  /** Event times (ms) matching `values`, time windows only. */
  readonly timesMs: readonly number[] | null;
  /** Newest event time accepted so far (ms), null before the first point. */
  readonly newestMs: number | null;
  /** EWMA mean and variance; `initialized` is false before the first accepted point. */
  readonly ewma: { readonly initialized: boolean; readonly mean: number; readonly variance: number };
  /** Welford scalars of the window, kept verbatim so that a restore continues bit-identically. */
  readonly moments: {
    readonly mean: number;
    readonly m2: number;
    readonly m2Peak: number;
    readonly removalsSinceRecompute: number;
  };
  /**
   * Novelty state words (see `novelty-score.ts`: seen count, ranges, long moments, level, seasonal mask and
   * profile), verbatim; null or absent when novelty is disabled or for version-1 states.
   */
  readonly novelty?: readonly number[] | null;
}

const MAGIC = 0x56475353; // "VGSS"
const HEADER_BYTES = 72;
const FLAG_TIME = 1;
const FLAG_NEWEST = 2;
const FLAG_EWMA = 4;

/**
 * Compact little-endian binary form: a 72-byte header (magic "VGSS", version, flags, capacity, count, seven
 * scalars, removal counter), the values as float64 (and the event times for time windows), then (version 2)
 * a uint32 count of novelty words padded to 8 bytes and the words as float64, and an FNV-1a checksum:
 * 1 388 bytes for a full count window of 128 with the default 24 seasonal bins (1 100 in version 1).
 * Round-trips every bit of the state.
 */
export function serializeSeriesState(state: SeriesDetectorState): Uint8Array {
  assertSeriesState(state);
  const n = state.values.length;
  const times = state.timesMs;
  const novelty = state.novelty ?? [];
  const total = HEADER_BYTES + 8 * n * (times === null ? 1 : 2) + 8 + 8 * novelty.length + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, false);
  view.setUint8(4, SERIES_STATE_VERSION);
  view.setUint8(
    5,
    (times !== null ? FLAG_TIME : 0) |
      (state.newestMs !== null ? FLAG_NEWEST : 0) |
      (state.ewma.initialized ? FLAG_EWMA : 0),
  );
  view.setUint32(8, state.window.capacity, true);
  view.setUint32(12, n, true);
  view.setFloat64(16, state.newestMs ?? 0, true);
  view.setFloat64(24, state.ewma.mean, true);
  view.setFloat64(32, state.ewma.variance, true);
  view.setFloat64(40, state.moments.mean, true);
  view.setFloat64(48, state.moments.m2, true);
  view.setFloat64(56, state.moments.m2Peak, true);
  view.setUint32(64, state.moments.removalsSinceRecompute, true);
  let off = HEADER_BYTES;
  for (let i = 0; i < n; i++, off += 8) view.setFloat64(off, state.values[i] as number, true);
  if (times !== null) for (let i = 0; i < n; i++, off += 8) view.setFloat64(off, times[i] as number, true);
  view.setUint32(off, novelty.length, true);
  off += 8;
  for (const v of novelty) {
    view.setFloat64(off, v, true);
    off += 8;
  }
  view.setUint32(off, fnv1a(bytes, off), true);
  return bytes;
}

/**
 * Parses the output of {@link serializeSeriesState}. Throws a `VigilError` with code
 * `VIGIL_ERR_STREAMS_STATE_CORRUPT` and a message naming the problem for anything else: wrong magic,
 * unknown version, bad length, checksum mismatch, or values that break the state invariants.
 */
export function deserializeSeriesState(bytes: Uint8Array): SeriesDetectorState {
  if (!(bytes instanceof Uint8Array)) corrupt('expected a Uint8Array');
  if (bytes.length < HEADER_BYTES + 4)
    corrupt(`${bytes.length} bytes is shorter than the ${HEADER_BYTES + 4}-byte minimum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, false) !== MAGIC) corrupt('bad magic (not a Vigil series state)');
  const version = view.getUint8(4);
  if (version !== 1 && version !== SERIES_STATE_VERSION)
    corrupt(`unsupported version ${version} (this build reads 1 and ${SERIES_STATE_VERSION})`);
  const flags = view.getUint8(5);
  if ((flags & ~(FLAG_TIME | FLAG_NEWEST | FLAG_EWMA)) !== 0)
    corrupt(`unknown flags 0x${flags.toString(16)}`);
  const capacity = view.getUint32(8, true);
  const n = view.getUint32(12, true);
  const isTime = (flags & FLAG_TIME) !== 0;
  const valuesEnd = HEADER_BYTES + 8 * n * (isTime ? 2 : 1);
  let noveltyWords = 0;
  if (version >= 2) {
    if (bytes.length < valuesEnd + 12) corrupt(`${bytes.length} bytes is too short for ${n} points`);
    noveltyWords = view.getUint32(valuesEnd, true);
  }
  const expected = valuesEnd + (version >= 2 ? 8 + 8 * noveltyWords : 0) + 4;
  if (bytes.length !== expected)
    corrupt(`length ${bytes.length} does not match ${n} points (expected ${expected})`);
  const end = expected - 4;
  if (view.getUint32(end, true) !== fnv1a(bytes, end)) corrupt('checksum mismatch');
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = view.getFloat64(HEADER_BYTES + 8 * i, true);
  let timesMs: number[] | null = null;
  if (isTime) {
    timesMs = new Array<number>(n);
    for (let i = 0; i < n; i++) timesMs[i] = view.getFloat64(HEADER_BYTES + 8 * (n + i), true);
  }
  let novelty: number[] | null = null;
  if (noveltyWords > 0) {
    novelty = new Array<number>(noveltyWords);
    for (let i = 0; i < noveltyWords; i++) novelty[i] = view.getFloat64(valuesEnd + 8 + 8 * i, true);
  }
  const state: SeriesDetectorState = {
    version: version === 1 ? 1 : 2,
    window: { kind: isTime ? 'time' : 'count', capacity },
    values,
    timesMs,
    newestMs: (flags & FLAG_NEWEST) !== 0 ? view.getFloat64(16, true) : null,
    ewma: {
      initialized: (flags & FLAG_EWMA) !== 0,
      mean: view.getFloat64(24, true),
      variance: view.getFloat64(32, true),
    },
    moments: {
      mean: view.getFloat64(40, true),
      m2: view.getFloat64(48, true),
      m2Peak: view.getFloat64(56, true),
      removalsSinceRecompute: view.getUint32(64, true),
    },
    novelty,
  };
  assertSeriesState(state);
  return state;
}

/** Throws `VIGIL_ERR_STREAMS_STATE_CORRUPT` unless `state` satisfies the {@link SeriesDetectorState} invariants. */
export function assertSeriesState(state: SeriesDetectorState): void {
  if (state === null || typeof state !== 'object') corrupt('state must be an object');
  if (state.version !== 1 && state.version !== SERIES_STATE_VERSION)
    corrupt(`unsupported version ${String(state.version)}`);
  const { window, values, timesMs } = state;
  if (window?.kind !== 'count' && window?.kind !== 'time') corrupt('window.kind must be "count" or "time"');
  if (!Number.isInteger(window.capacity) || window.capacity < 1)
    corrupt(`window.capacity ${window.capacity} is not a positive integer`);
  if (!Array.isArray(values)) corrupt('values must be an array');
  if (values.length > window.capacity)
    corrupt(`${values.length} values exceed the capacity ${window.capacity}`);
  for (const v of values) if (!Number.isFinite(v)) corrupt(`non-finite value ${v}`);
  if (window.kind === 'time') {
    if (!Array.isArray(timesMs) || timesMs.length !== values.length)
      corrupt('timesMs must match values for time windows');
    for (const t of timesMs) if (!Number.isFinite(t)) corrupt(`non-finite event time ${t}`);
  } else if (timesMs !== null) {
    corrupt('timesMs must be null for count windows');
  }
  if (state.newestMs !== null && !Number.isFinite(state.newestMs)) corrupt('newestMs must be finite or null');
  const { ewma, moments } = state;
  if (!Number.isFinite(ewma?.mean) || !(ewma.variance >= 0) || !Number.isFinite(ewma.variance))
    corrupt('bad EWMA scalars');
  if (!Number.isFinite(moments?.mean) || !(moments.m2 >= 0) || !Number.isFinite(moments.m2))
    corrupt('bad moment scalars');
  if (!Number.isInteger(moments.removalsSinceRecompute) || moments.removalsSinceRecompute < 0)
    corrupt('bad removal counter');
  const novelty = state.novelty ?? null;
  if (novelty !== null) {
    if (!Array.isArray(novelty)) corrupt('novelty must be an array or null');
    for (const v of novelty) if (!Number.isFinite(v)) corrupt(`non-finite novelty word ${v}`);
  }
}

function corrupt(problem: string): never {
  throw new VigilError('VIGIL_ERR_STREAMS_STATE_CORRUPT', `Series detector state is invalid: ${problem}.`);
}

/** 32-bit FNV-1a over `bytes[0 … end)`. */
function fnv1a(bytes: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
