import { VigilError } from '../errors.js';

/**
 * Why a metric record could not be decoded. Every class is a property of the record itself (a "poison"
 * record): retrying cannot help, so the runtime dead-letters it. Registry unavailability is deliberately
 * not in this list — it is thrown as a retriable {@link VigilError} instead.
 *
 * | class | meaning |
 * |---|---|
 * | `empty-record` | null, zero-length or whitespace-only value |
 * | `wrong-magic-byte` | first byte is not `0x00` (Confluent), `0xC3 0x01` (single-object) or `{` (JSON) |
 * | `registry-not-configured` | Confluent-framed record but the decoder has no schema registry |
 * | `unknown-schema-id` | the registry answers 404 for the Confluent schema id |
 * | `unknown-fingerprint` | single-object fingerprint matches no schema in the catalog |
 * | `incompatible-schema` | the writer schema is known but cannot be read as `vigil.MetricPoint` |
 * | `truncated` | the framing header or the Avro body ends early |
 * | `malformed-avro` | the Avro body is invalid (bad enum/union index, unsafe long, trailing bytes…) |
 * | `malformed-json` | not valid UTF-8 JSON |
 * | `wrong-type` | a field has the wrong type (the message names the field and the expected type) |
 * | `missing-field` | a required field is absent, null, or (for `series`) empty |
 * | `non-finite-value` | `value` is NaN or ±Infinity (including JSON `1e400` and `"NaN"`-style strings) |
 * | `timestamp-out-of-range` | timestamp outside the plausible window (seconds instead of ms, etc.) |
 * | `labels-too-large` | too many labels, an over-long key or value, or too many label bytes in total |
 * | `series-too-long` | series identifier longer than the limit |
 */
export type MetricErrorClass =
  | 'empty-record'
  | 'wrong-magic-byte'
  | 'registry-not-configured'
  | 'unknown-schema-id'
  | 'unknown-fingerprint'
  | 'incompatible-schema'
  | 'truncated'
  | 'malformed-avro'
  | 'malformed-json'
  | 'wrong-type'
  | 'missing-field'
  | 'non-finite-value'
  | 'timestamp-out-of-range'
  | 'labels-too-large'
  | 'series-too-long';

/** The stable `VIGIL_ERR_CODEC_*` code of each metric error class. */
export const METRIC_ERROR_CODES: Readonly<Record<MetricErrorClass, string>> = Object.freeze({
  'empty-record': 'VIGIL_ERR_CODEC_EMPTY_RECORD',
  'wrong-magic-byte': 'VIGIL_ERR_CODEC_WRONG_MAGIC_BYTE',
  'registry-not-configured': 'VIGIL_ERR_CODEC_REGISTRY_NOT_CONFIGURED',
  'unknown-schema-id': 'VIGIL_ERR_CODEC_UNKNOWN_SCHEMA_ID',
  'unknown-fingerprint': 'VIGIL_ERR_CODEC_UNKNOWN_FINGERPRINT',
  'incompatible-schema': 'VIGIL_ERR_CODEC_INCOMPATIBLE_SCHEMA',
  truncated: 'VIGIL_ERR_CODEC_TRUNCATED',
  'malformed-avro': 'VIGIL_ERR_CODEC_MALFORMED_AVRO',
  'malformed-json': 'VIGIL_ERR_CODEC_MALFORMED_JSON',
  'wrong-type': 'VIGIL_ERR_CODEC_WRONG_TYPE',
  'missing-field': 'VIGIL_ERR_CODEC_MISSING_FIELD',
  'non-finite-value': 'VIGIL_ERR_CODEC_NON_FINITE_VALUE',
  'timestamp-out-of-range': 'VIGIL_ERR_CODEC_TIMESTAMP_OUT_OF_RANGE',
  'labels-too-large': 'VIGIL_ERR_CODEC_LABELS_TOO_LARGE',
  'series-too-long': 'VIGIL_ERR_CODEC_SERIES_TOO_LONG',
});

/** Every metric error class, in declaration order (handy for exhaustive tests and metrics labels). */
export const METRIC_ERROR_CLASSES: readonly MetricErrorClass[] = Object.freeze(
  Object.keys(METRIC_ERROR_CODES) as MetricErrorClass[],
);

/** A decode failure as data: what the runtime writes into the dead-letter headers. */
export interface MetricDecodeError {
  readonly errorClass: MetricErrorClass;
  /** `VIGIL_ERR_CODEC_*`, see {@link METRIC_ERROR_CODES}. */
  readonly code: string;
  /** Names the field or the problem, e.g. `field "value": expected a number, got string`. */
  readonly message: string;
}

/**
 * A non-retriable codec failure caused by the bytes of one record (a poison record). Thrown by the framing
 * and registry helpers; `createMetricDecoder` turns it into a `{ ok: false }` result.
 */
export class CodecError extends VigilError {
  /** The error class, also the dead-letter `vigil.dlq.error-class` header. */
  readonly errorClass: MetricErrorClass;

  constructor(errorClass: MetricErrorClass, message: string, options: { cause?: unknown } = {}) {
    super(METRIC_ERROR_CODES[errorClass], message, { retriable: false, cause: options.cause });
    this.name = 'CodecError';
    this.errorClass = errorClass;
  }

  /** The failure as plain data. */
  toDecodeError(): MetricDecodeError {
    return { errorClass: this.errorClass, code: this.code, message: this.message };
  }
}

/** Builds a {@link MetricDecodeError} with the code that belongs to `errorClass`. */
export function metricDecodeError(errorClass: MetricErrorClass, message: string): MetricDecodeError {
  return { errorClass, code: METRIC_ERROR_CODES[errorClass], message };
}

/**
 * Maps an exception thrown by avsc while reading a body to an error class: `truncated` when the body ended
 * early, `malformed-avro` for anything else (invalid index, unsafe long, trailing data…).
 */
export function avroReadError(error: unknown, what: string): CodecError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/truncated/i.test(detail)) {
    return new CodecError('truncated', `${what}: Avro body ends early (${detail})`, { cause: error });
  }
  if (/trailing data/i.test(detail)) {
    return new CodecError('malformed-avro', `${what}: trailing bytes after a complete Avro body`, {
      cause: error,
    });
  }
  return new CodecError('malformed-avro', `${what}: invalid Avro body (${detail})`, { cause: error });
}
