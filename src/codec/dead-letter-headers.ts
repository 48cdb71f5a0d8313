import { VigilError } from '../errors.js';

/** Header names that carry the dead-letter metadata on `<topic>.dlq` records. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  errorClass: 'vigil.dlq.error-class',
  errorCode: 'vigil.dlq.error-code',
  message: 'vigil.dlq.message',
  sourceTopic: 'vigil.dlq.source-topic',
  sourcePartition: 'vigil.dlq.source-partition',
  sourceOffset: 'vigil.dlq.source-offset',
  stage: 'vigil.dlq.stage',
  failedAtMs: 'vigil.dlq.failed-at-ms',
} as const);

/** Prefix shared by all dead-letter headers; other headers on a dead letter are the original record's. */
export const DEAD_LETTER_HEADER_PREFIX = 'vigil.dlq.';

/** Why, where and when a record failed. */
export interface DeadLetterMeta {
  /** Kebab-case error class, e.g. `malformed-json` (a `MetricErrorClass` for decode failures). */
  readonly errorClass: string;
  /** `VIGIL_ERR_<AREA>_<PROBLEM>`. */
  readonly errorCode: string;
  /** Human-readable explanation naming the field or problem. */
  readonly message: string;
  readonly sourceTopic: string;
  /** Non-negative integer. */
  readonly sourcePartition: number;
  /** Non-negative safe integer: the offset of the failed record. */
  readonly sourceOffset: number;
  /** Stage that failed, e.g. `detect`. */
  readonly stage: string;
  /** Wall-clock time of the failure, ms since the epoch. */
  readonly failedAtMs: number;
}

/** A dead letter as one value: the metadata plus the original bytes. Matches `schemas/dead-letter.avsc`. */
export interface DeadLetter extends DeadLetterMeta {
  readonly originalKey: Buffer | null;
  readonly originalValue: Buffer | null;
  /** Original headers, without the `vigil.dlq.*` ones. */
  readonly originalHeaders: Readonly<Record<string, Buffer>>;
}

/** Code thrown by {@link parseDeadLetter} for a record that lacks or garbles a dead-letter header. */
export const DEAD_LETTER_HEADER_ERROR_CODE = 'VIGIL_ERR_CODEC_DEAD_LETTER_HEADER';

/**
 * The dead-letter headers for `meta`, as strings (UTF-8 on the wire). Add them to the original record's own
 * headers when producing to `<topic>.dlq`.
 */
export function deadLetterHeaders(meta: DeadLetterMeta): Record<string, string> {
  return {
    [DEAD_LETTER_HEADERS.errorClass]: meta.errorClass,
    [DEAD_LETTER_HEADERS.errorCode]: meta.errorCode,
    [DEAD_LETTER_HEADERS.message]: meta.message,
    [DEAD_LETTER_HEADERS.sourceTopic]: meta.sourceTopic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(meta.sourcePartition),
    [DEAD_LETTER_HEADERS.sourceOffset]: String(meta.sourceOffset),
    [DEAD_LETTER_HEADERS.stage]: meta.stage,
    [DEAD_LETTER_HEADERS.failedAtMs]: String(meta.failedAtMs),
  };
}

function headerText(headers: Readonly<Record<string, Buffer>>, name: string): string {
  const value = headers[name];
  if (value === undefined) {
    throw new VigilError(DEAD_LETTER_HEADER_ERROR_CODE, `dead-letter header ${name} is missing`);
  }
  return value.toString('utf8');
}

function headerInt(headers: Readonly<Record<string, Buffer>>, name: string): number {
  const text = headerText(headers, name);
  const n = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new VigilError(
      DEAD_LETTER_HEADER_ERROR_CODE,
      `dead-letter header ${name} is not an integer: ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/**
 * Rebuilds a {@link DeadLetter} from a record read off a `<topic>.dlq` topic: the `vigil.dlq.*` headers
 * become the metadata, every other header is an original header, key and value are the original bytes.
 * Throws a non-retriable `VigilError` (`VIGIL_ERR_CODEC_DEAD_LETTER_HEADER`) when a header is missing or
 * a number header does not parse.
 */
export function parseDeadLetter(
  headers: Readonly<Record<string, Buffer>>,
  key: Buffer | null,
  value: Buffer | null,
): DeadLetter {
  const originalHeaders: Record<string, Buffer> = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.startsWith(DEAD_LETTER_HEADER_PREFIX)),
  );
  return {
    errorClass: headerText(headers, DEAD_LETTER_HEADERS.errorClass),
    errorCode: headerText(headers, DEAD_LETTER_HEADERS.errorCode),
    message: headerText(headers, DEAD_LETTER_HEADERS.message),
    sourceTopic: headerText(headers, DEAD_LETTER_HEADERS.sourceTopic),
    sourcePartition: headerInt(headers, DEAD_LETTER_HEADERS.sourcePartition),
    sourceOffset: headerInt(headers, DEAD_LETTER_HEADERS.sourceOffset),
    stage: headerText(headers, DEAD_LETTER_HEADERS.stage),
    failedAtMs: headerInt(headers, DEAD_LETTER_HEADERS.failedAtMs),
    originalKey: key,
    originalValue: value,
    originalHeaders,
  };
}
