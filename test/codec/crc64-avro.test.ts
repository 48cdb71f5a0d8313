import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CRC64_AVRO_EMPTY,
  crc64Avro,
  fingerprintFromBytesLE,
  fingerprintToBytesLE,
  fingerprintToSigned,
} from '../../src/codec/index.js';

/**
 * Reference straight from the definition in the Avro spec, without the 256-entry table: for every byte,
 * xor it into the low bits and shift 8 times, folding the polynomial in when a 1 bit drops out.
 */
function crc64Bitwise(bytes: Uint8Array): bigint {
  const mask = (1n << 64n) - 1n;
  let fp = CRC64_AVRO_EMPTY;
  for (const byte of bytes) {
    fp ^= BigInt(byte);
    for (let i = 0; i < 8; i += 1) {
      fp = (fp >> 1n) ^ (CRC64_AVRO_EMPTY & -(fp & 1n));
    }
    fp &= mask;
  }
  return fp;
}

describe('crc64Avro', () => {
  it('fingerprints the empty input as the spec constant', () => {
    expect(crc64Avro(new Uint8Array())).toBe(0xc15d213aa4d7a795n);
  });

  // Expected values from the Avro project's own test data (share/test/data/schema-tests.txt), printed there
  // as signed Java longs, for the canonical forms of the primitive schemas.
  it.each([
    ['"null"', 7195948357588979594n],
    ['"boolean"', -6970731678124411036n],
    ['"int"', 8247732601305521295n],
    ['"long"', -3434872931120570953n],
    ['"float"', 5583340709985441680n],
    ['"double"', -8181574048448539266n],
    ['"bytes"', 5746618253357095269n],
    ['"string"', -8142146995180207161n],
  ])('matches the Avro test suite for %s', (canonical, expected) => {
    expect(fingerprintToSigned(crc64Avro(canonical))).toBe(expected);
  });

  it('agrees with a table-free implementation of the spec definition on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(crc64Avro(bytes)).toBe(crc64Bitwise(bytes));
      }),
    );
  });

  it('hashes strings as UTF-8', () => {
    expect(crc64Avro('é')).toBe(crc64Bitwise(new Uint8Array([0xc3, 0xa9])));
  });

  it('writes fingerprints little-endian and reads them back', () => {
    const fp = crc64Avro('"null"'); // 0x63dd24e7cc258f8a
    expect(fingerprintToBytesLE(fp).toString('hex')).toBe('8a8f25cce724dd63');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        expect(fingerprintFromBytesLE(fingerprintToBytesLE(n))).toBe(n);
      }),
    );
  });
});
