import { createHash } from 'node:crypto';

/** Namespace of Vigil's name-based UUIDs (a fixed random UUID; never change it: ids would move). */
export const VIGIL_UUID_NAMESPACE = '4f8a9c52-2d1e-4b7a-9a43-6c0e1f5d7b21';

/**
 * RFC 4122 version-5 (SHA-1, name-based) UUID of `name` in `namespace`: the same name always gives the
 * same UUID. Qdrant accepts only UUIDs or integers as point ids, so string ids are mapped through this.
 *
 * @example uuidV5('inc-2024-031') // always the same 8-4-4-4-12 hex string
 */
export function uuidV5(name: string, namespace: string = VIGIL_UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`namespace ${namespace} is not a UUID`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
