import { describe, expect, it } from 'vitest';
import { CodecError, encodeConfluentFrame, readConfluentFrame } from '../../src/codec/index.js';

describe('Confluent wire format', () => {
  it('frames as 00 + 4-byte big-endian id + body', () => {
    const framed = encodeConfluentFrame(0x01020304, Buffer.from([0xaa, 0xbb]));
    expect(framed.toString('hex')).toBe('0001020304aabb');
    expect(readConfluentFrame(framed)).toEqual({ schemaId: 0x01020304, body: Buffer.from([0xaa, 0xbb]) });
  });

  it('reads ids as unsigned', () => {
    expect(readConfluentFrame(Buffer.from([0, 0xff, 0xff, 0xff, 0xff])).schemaId).toBe(0xffffffff);
  });

  it.each([
    [Buffer.from([0x00]), 'truncated'],
    [Buffer.from([0x00, 0, 0, 1]), 'truncated'],
    [Buffer.from([0x01, 0, 0, 0, 1]), 'wrong-magic-byte'],
  ])('rejects %s as %s', (bytes, errorClass) => {
    try {
      readConfluentFrame(bytes);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CodecError);
      expect((error as CodecError).errorClass).toBe(errorClass);
    }
  });

  it('rejects ids outside [0, 2^32)', () => {
    expect(() => encodeConfluentFrame(-1, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => encodeConfluentFrame(2 ** 32, Buffer.alloc(0))).toThrow(RangeError);
  });
});
