import { CodecError } from './codec-errors.js';

/** The magic byte that opens a value in Confluent wire format. */
export const CONFLUENT_MAGIC_BYTE = 0x00;

/** Bytes before the Avro body: magic byte + 4-byte big-endian schema id. */
export const CONFLUENT_HEADER_LENGTH = 5;

/** The parsed Confluent header: the registry schema id and the Avro body after it. */
export interface ConfluentFrame {
  readonly schemaId: number;
  readonly body: Buffer;
}

/**
 * Frames an Avro body as `00` + schema id (4 bytes big-endian, unsigned) + body.
 * Throws a `RangeError` when `schemaId` is not an integer in [0, 2^32).
 */
export function encodeConfluentFrame(schemaId: number, body: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) {
    throw new RangeError(`schema id must be an integer in [0, 2^32), got ${schemaId}`);
  }
  const header = Buffer.alloc(CONFLUENT_HEADER_LENGTH);
  header[0] = CONFLUENT_MAGIC_BYTE;
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * Splits a Confluent-framed value into schema id and body. Throws a {@link CodecError}:
 * `wrong-magic-byte` when the first byte is not `00`, `truncated` when fewer than 5 header bytes exist.
 */
export function readConfluentFrame(bytes: Buffer): ConfluentFrame {
  if (bytes.length === 0 || bytes[0] !== CONFLUENT_MAGIC_BYTE) {
    throw new CodecError('wrong-magic-byte', 'Confluent wire format must start with magic byte 00');
  }
  if (bytes.length < CONFLUENT_HEADER_LENGTH) {
    throw new CodecError(
      'truncated',
      `Confluent header truncated: ${bytes.length} of ${CONFLUENT_HEADER_LENGTH} bytes (00 + 4-byte schema id)`,
    );
  }
  return { schemaId: bytes.readUInt32BE(1), body: bytes.subarray(CONFLUENT_HEADER_LENGTH) };
}
