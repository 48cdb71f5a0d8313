import { describe, expect, it } from 'vitest';
import { uuidV5, VIGIL_UUID_NAMESPACE } from '../../src/vector-store/deterministic-uuid.js';

describe('uuidV5', () => {
  it('matches the RFC 4122 reference value (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is deterministic, distinct per id, and a version-5 RFC variant UUID', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `inc-${i}`);
    const uuids = ids.map((id) => uuidV5(id));
    expect(new Set(uuids).size).toBe(500);
    expect(uuidV5('inc-7')).toBe(uuids[7]);
    for (const u of uuids)
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV5('inc-7', VIGIL_UUID_NAMESPACE)).toBe(uuidV5('inc-7'));
  });
});
