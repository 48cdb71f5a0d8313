import { VigilError } from '../errors.js';

/** One NAB data file as columns: row i has `timestampsMs[i]` and `values[i]`, in file order. */
export interface NabSeriesRows {
  /** Event time of each row, ms since the epoch (UTC). */
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

const NAB_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Parses a NAB timestamp (`2014-04-10 07:15:00`, or the windows file's `2014-04-10 07:15:00.000000`) as
 * UTC; NAB timestamps carry no zone. Returns ms since the epoch, or NaN when the text is not one.
 */
export function parseNabTimestamp(text: string): number {
  const m = NAB_TIMESTAMP.exec(text.trim());
  if (!m) return Number.NaN;
  const fraction = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const ms = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fraction,
  );
  return ms;
}

/** Formats ms since the epoch the way NAB's CSVs write time: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function formatNabTimestamp(timestampMs: number): string {
  return new Date(timestampMs).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Parses a NAB data file: a `timestamp,value` header, then one row per line. LF and CRLF line endings are
 * both accepted, blank lines are ignored. Rows stay in file order (a few NAB files repeat an hour, so time
 * is not always increasing). Throws `VIGIL_ERR_BACKTEST_DATA` naming the file and line of the first bad row
 * (unparseable time, non-finite value, wrong column count).
 */
export function parseNabCsv(text: string, source: string): NabSeriesRows {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header.replace(/\s/g, '') !== 'timestamp,value') {
    throw new VigilError(
      'VIGIL_ERR_BACKTEST_DATA',
      `${source}: expected the header "timestamp,value", found ${JSON.stringify(header)}`,
    );
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const comma = line.indexOf(',');
    const bad = (why: string) =>
      new VigilError('VIGIL_ERR_BACKTEST_DATA', `${source} line ${i + 1}: ${why} (${JSON.stringify(line)})`);
    if (comma < 0 || line.indexOf(',', comma + 1) >= 0) throw bad('expected two columns');
    const t = parseNabTimestamp(line.slice(0, comma));
    const rawValue = line.slice(comma + 1).trim();
    const v = rawValue === '' ? Number.NaN : Number(rawValue);
    if (!Number.isFinite(t)) throw bad('timestamp is not "YYYY-MM-DD HH:MM:SS"');
    if (!Number.isFinite(v)) throw bad('value is not a finite number');
    timestamps.push(t);
    values.push(v);
  }
  return { timestampsMs: Float64Array.from(timestamps), values: Float64Array.from(values) };
}
