import { VigilError } from '../errors.js';
import { parseNabTimestamp } from './nab-csv.js';
import type { LabelWindowMs } from './nab-scorer.js';

/**
 * Reads NAB's `labels/combined_windows.json`: `{ "<category>/<file>.csv": [["<start>", "<end>"], …] }`
 * with times like `2014-04-10 07:15:00.000000` (UTC). Returns the windows per file id, in the file's
 * order. Throws `VIGIL_ERR_BACKTEST_LABELS` naming the bad entry.
 */
export function parseNabWindows(raw: unknown, source: string): Map<string, LabelWindowMs[]> {
  const bad = (why: string) => new VigilError('VIGIL_ERR_BACKTEST_LABELS', `${source}: ${why}`);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('expected an object of file ids');
  const windows = new Map<string, LabelWindowMs[]>();
  for (const [file, entries] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(entries)) throw bad(`${file}: expected a list of [start, end] pairs`);
    windows.set(
      file,
      entries.map((entry, k) => {
        if (
          !Array.isArray(entry) ||
          entry.length !== 2 ||
          typeof entry[0] !== 'string' ||
          typeof entry[1] !== 'string'
        )
          throw bad(`${file} window ${k}: expected ["<start>", "<end>"]`);
        const startMs = parseNabTimestamp(entry[0]);
        const endMs = parseNabTimestamp(entry[1]);
        if (!Number.isFinite(startMs) || !Number.isFinite(endMs))
          throw bad(`${file} window ${k}: times must look like "2014-04-10 07:15:00.000000"`);
        if (endMs < startMs) throw bad(`${file} window ${k}: ends before it starts`);
        return { startMs, endMs };
      }),
    );
  }
  return windows;
}
