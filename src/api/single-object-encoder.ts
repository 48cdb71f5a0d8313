import { type CatalogEntry, SINGLE_OBJECT_HEADER_LENGTH, SINGLE_OBJECT_MAGIC } from '../codec/index.js';

/** Bytes of each shared buffer the encoder writes records into. */
export const SLAB_BYTES = 256 * 1024;

/**
 * An Avro single-object encoder for many small values (the ingest hot path): it writes the header
 * (`C3 01` + fingerprint) and the body of each value straight into a shared slab and returns a view of
 * it, instead of allocating and concatenating three buffers per value. Same bytes as
 * `encodeSingleObject(entry, value)`. The returned buffers must not be written to (they share memory).
 * A value bigger than a slab gets a buffer of its own.
 */
export function singleObjectEncoder(entry: CatalogEntry, slabBytes = SLAB_BYTES): (value: unknown) => Buffer {
  const header = Buffer.concat([SINGLE_OBJECT_MAGIC, entry.fingerprintBytes]);
  let slab = Buffer.allocUnsafe(slabBytes);
  let position = 0;
  return (value) => {
    for (let fresh = false; ; fresh = true) {
      if (slab.length - position > SINGLE_OBJECT_HEADER_LENGTH) {
        header.copy(slab, position);
        const end = entry.type.encode(value, slab, position + SINGLE_OBJECT_HEADER_LENGTH);
        if (end > 0) {
          const record = slab.subarray(position, end);
          position = end;
          return record;
        }
      }
      if (fresh) {
        // Larger than a whole slab: encode on its own.
        return Buffer.concat([header, entry.type.toBuffer(value)]);
      }
      slab = Buffer.allocUnsafe(slabBytes);
      position = 0;
    }
  };
}
