import { avroReadError, CodecError } from './codec-errors.js';
import { fingerprintFromBytesLE } from './crc64-avro.js';
import type { CatalogEntry, SchemaCatalog } from './schema-catalog.js';

/** The two marker bytes that open an Avro single-object encoded value. */
export const SINGLE_OBJECT_MAGIC: Readonly<Buffer> = Buffer.from([0xc3, 0x01]);

/** Bytes before the Avro body: 2 marker bytes + 8-byte little-endian CRC-64-AVRO fingerprint. */
export const SINGLE_OBJECT_HEADER_LENGTH = 10;

/** True when `bytes` starts with the single-object marker `C3 01` (the header may still be truncated). */
export function hasSingleObjectMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0xc3 && bytes[1] === 0x01;
}

/**
 * Encodes `value` with `entry`'s schema as `C3 01` + fingerprint (8 bytes LE) + Avro binary.
 * Throws when the value does not match the schema (avsc's error).
 */
export function encodeSingleObject(entry: CatalogEntry, value: unknown): Buffer {
  return frameSingleObject(entry, entry.type.toBuffer(value));
}

/** Prefixes an already encoded Avro body of `entry`'s schema with the single-object header. */
export function frameSingleObject(entry: CatalogEntry, body: Uint8Array): Buffer {
  return Buffer.concat([SINGLE_OBJECT_MAGIC, entry.fingerprintBytes, body]);
}

/** The parsed single-object header: the writer fingerprint and the Avro body that follows it. */
export interface SingleObjectFrame {
  readonly fingerprint: bigint;
  readonly body: Buffer;
}

/**
 * Splits a single-object value into fingerprint and body. Throws a {@link CodecError}: `wrong-magic-byte`
 * without the `C3 01` marker, `truncated` when fewer than 10 header bytes are present.
 */
export function readSingleObjectFrame(bytes: Buffer): SingleObjectFrame {
  if (bytes.length >= 1 && bytes[0] === 0xc3 && bytes.length < 2) {
    throw new CodecError(
      'truncated',
      `single-object header truncated: 1 of ${SINGLE_OBJECT_HEADER_LENGTH} bytes`,
    );
  }
  if (!hasSingleObjectMagic(bytes)) {
    throw new CodecError('wrong-magic-byte', 'single-object value must start with C3 01');
  }
  if (bytes.length < SINGLE_OBJECT_HEADER_LENGTH) {
    throw new CodecError(
      'truncated',
      `single-object header truncated: ${bytes.length} of ${SINGLE_OBJECT_HEADER_LENGTH} bytes (C3 01 + 8-byte fingerprint)`,
    );
  }
  return {
    fingerprint: fingerprintFromBytesLE(bytes, 2),
    body: bytes.subarray(SINGLE_OBJECT_HEADER_LENGTH),
  };
}

/** A decoded single-object value and the catalog entry of its writer schema. */
export interface SingleObjectDecoded {
  readonly entry: CatalogEntry;
  readonly value: unknown;
}

/**
 * Decodes a single-object value whose fingerprint is in `catalog`. Throws a {@link CodecError}:
 * `wrong-magic-byte`, `truncated` (header or body), `unknown-fingerprint`, or `malformed-avro` (invalid
 * body, trailing bytes).
 */
export function decodeSingleObject(catalog: SchemaCatalog, bytes: Buffer): SingleObjectDecoded {
  const { fingerprint, body } = readSingleObjectFrame(bytes);
  const entry = catalog.byFingerprint(fingerprint);
  if (entry === undefined) {
    throw new CodecError(
      'unknown-fingerprint',
      `single-object fingerprint 0x${fingerprint.toString(16).padStart(16, '0')} matches no known schema`,
    );
  }
  try {
    return { entry, value: entry.type.fromBuffer(body) };
  } catch (error) {
    throw avroReadError(error, `single-object ${entry.fullName}`);
  }
}
