/**
 * The Rabin fingerprint "CRC-64-AVRO" from the Avro specification ("Schema Fingerprints"), used by
 * Avro single-object encoding to identify the writer schema.
 *
 * The fingerprint of a schema is this function applied to the UTF-8 bytes of its Parsing Canonical Form.
 */

/** The fingerprint of the empty byte string, and the polynomial of the Rabin fingerprint (spec constant). */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const MASK_64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i += 1) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j += 1) {
      // Java: fp = (fp >>> 1) ^ (EMPTY & -(fp & 1L))
      fp = (fp >> 1n) ^ (fp & 1n ? CRC64_AVRO_EMPTY : 0n);
    }
    table.push(fp);
  }
  return table;
})();

/**
 * CRC-64-AVRO fingerprint of `data` as an unsigned 64-bit bigint.
 *
 * Strings are fingerprinted as their UTF-8 bytes.
 *
 * @example
 * crc64Avro('"null"') // the fingerprint of the primitive schema "null"
 */
export function crc64Avro(data: Uint8Array | string): bigint {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fp = CRC64_AVRO_EMPTY;
  for (const byte of bytes) {
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)]!;
  }
  return fp & MASK_64;
}

/**
 * The 8-byte little-endian form of a fingerprint, as written after `C3 01` in single-object encoding.
 */
export function fingerprintToBytesLE(fingerprint: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(fingerprint & MASK_64);
  return out;
}

/** Reads an 8-byte little-endian fingerprint starting at `offset` (the inverse of `fingerprintToBytesLE`). */
export function fingerprintFromBytesLE(bytes: Uint8Array, offset = 0): bigint {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readBigUInt64LE(offset);
}

/** The fingerprint as a signed 64-bit integer, the way Java's `long` (and the Avro test suite) prints it. */
export function fingerprintToSigned(fingerprint: bigint): bigint {
  return BigInt.asIntN(64, fingerprint);
}
