import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { VigilError } from '../errors.js';

/** File formats `vigil produce` and `vigil replay --input-file` read. */
export type MetricFileFormat = 'csv' | 'jsonl';

/** One row of a metrics file, as a plain object ready for encoding (validated later by the codec). */
export interface MetricFileRow {
  /** 1-based line (JSONL) or record (CSV, excluding the header) number, for error messages. */
  readonly line: number;
  readonly record: Record<string, unknown>;
}

/** How rows without their own series or labels are completed. */
export interface MetricFileDefaults {
  /** Series for rows that have none (e.g. NAB CSVs with only timestamp,value). */
  readonly series?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Picks the format from the extension (`.csv`, `.jsonl`/`.ndjson`/`.json`). */
export function formatFromPath(path: string): MetricFileFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return 'jsonl';
  throw new VigilError(
    'VIGIL_ERR_CLI_UNKNOWN_FORMAT',
    `cannot tell the format of ${path} from its extension; pass --format csv or --format jsonl`,
  );
}

/** Size of the file in bytes (for progress). */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    throw new VigilError('VIGIL_ERR_CLI_FILE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

const RESERVED = new Set(['series', 'timestamp', 'timestampMs', 'value', 'labels']);

/**
 * Turns a CSV row into a metric-point-shaped object: `timestamp` (ISO-8601 or epoch ms) or `timestampMs`,
 * `value` as a number, `series` (or the default), other columns become labels.
 */
function csvRowToRecord(row: Record<string, string>, defaults: MetricFileDefaults): Record<string, unknown> {
  const labels: Record<string, string> = { ...defaults.labels };
  for (const [k, v] of Object.entries(row)) if (!RESERVED.has(k) && v !== '') labels[k] = v;
  const record: Record<string, unknown> = {
    series: row.series ?? defaults.series,
    value: row.value === undefined || row.value.trim() === '' ? row.value : Number(row.value),
    labels,
  };
  if (row.timestampMs !== undefined) record.timestampMs = Number(row.timestampMs);
  else if (row.timestamp !== undefined) {
    record.timestamp = /^\d+$/.test(row.timestamp) ? Number(row.timestamp) : csvTimestamp(row.timestamp);
  }
  return record;
}

/** NAB-style `2014-04-10 00:00:00` timestamps carry no zone: they are read as UTC. */
function csvTimestamp(text: string): string {
  return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
    ? `${text.replace(' ', 'T')}Z`
    : text;
}

/**
 * Streams the rows of a CSV (header row required) or JSON-lines file. Malformed JSON lines are yielded as
 * `{ line, record: { __invalid: message } }` so the caller can report them with their line number.
 * `onBytes` reports progress in bytes read.
 */
export async function* readMetricFile(
  path: string,
  format: MetricFileFormat,
  defaults: MetricFileDefaults = {},
  onBytes?: (bytes: number) => void,
): AsyncGenerator<MetricFileRow> {
  const stream = createReadStream(path);
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes?.(bytes);
  });
  if (format === 'csv') {
    const parser = stream.pipe(parseCsv({ columns: true, trim: true, skip_empty_lines: true }));
    let line = 0;
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      line++;
      yield { line, record: csvRowToRecord(row, defaults) };
    }
    return;
  }
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not a JSON object');
      const record = { ...(parsed as Record<string, unknown>) };
      if (record.series === undefined && defaults.series) record.series = defaults.series;
      if (defaults.labels)
        record.labels = { ...defaults.labels, ...(record.labels as Record<string, string>) };
      yield { line, record };
    } catch (error) {
      yield { line, record: { __invalid: (error as Error).message } };
    }
  }
}
