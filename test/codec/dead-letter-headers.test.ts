import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_HEADERS,
  type DeadLetterMeta,
  deadLetterHeaders,
  parseDeadLetter,
} from '../../src/codec/index.js';
import { sampleDeadLetter } from './samples.js';

const meta: DeadLetterMeta = {
  errorClass: 'malformed-json',
  errorCode: 'VIGIL_ERR_CODEC_MALFORMED_JSON',
  message: 'invalid JSON: Unexpected token “ü”',
  sourceTopic: 'prod.metrics',
  sourcePartition: 7,
  sourceOffset: 123_456_789_012,
  stage: 'detect',
  failedAtMs: 1_700_000_000_999,
};

function asWire(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
}

describe('dead-letter headers', () => {
  it('uses the documented header names', () => {
    expect(Object.keys(deadLetterHeaders(meta)).sort()).toEqual([
      'vigil.dlq.error-class',
      'vigil.dlq.error-code',
      'vigil.dlq.failed-at-ms',
      'vigil.dlq.message',
      'vigil.dlq.source-offset',
      'vigil.dlq.source-partition',
      'vigil.dlq.source-topic',
      'vigil.dlq.stage',
    ]);
    expect(deadLetterHeaders(meta)[DEAD_LETTER_HEADERS.sourceOffset]).toBe('123456789012');
  });

  it('parses back the metadata, keeps original headers and bytes untouched', () => {
    const original = { traceparent: Buffer.from('00-abc'), raw: Buffer.from([0xff, 0x00]) };
    const key = Buffer.from('cpu');
    const value = Buffer.from([0x7b, 0xff]);
    const parsed = parseDeadLetter({ ...original, ...asWire(deadLetterHeaders(meta)) }, key, value);
    expect(parsed).toEqual({ ...meta, originalKey: key, originalValue: value, originalHeaders: original });
  });

  it('matches the DeadLetter schema shape', () => {
    const parsed = parseDeadLetter(asWire(deadLetterHeaders(sampleDeadLetter)), null, null);
    expect(Object.keys(parsed).sort()).toEqual(Object.keys(sampleDeadLetter).sort());
  });

  it('throws a coded error naming a missing or garbled header', () => {
    const headers = asWire(deadLetterHeaders(meta));
    const { [DEAD_LETTER_HEADERS.stage]: _dropped, ...withoutStage } = headers;
    expect(() => parseDeadLetter(withoutStage, null, null)).toThrow(/vigil\.dlq\.stage/);
    expect(() =>
      parseDeadLetter({ ...headers, [DEAD_LETTER_HEADERS.sourceOffset]: Buffer.from('12x') }, null, null),
    ).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_CODEC_DEAD_LETTER_HEADER' }));
  });
});
