import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteClient } from '../../src/vector-store/pglite-client.js';
import { createPgvectorStore, type SqlClient } from '../../src/vector-store/pgvector-store.js';
import { seededVectors, vectorStoreContract } from './vector-store-contract.js';

// One embedded database for the whole suite; each store gets its own table and leaves the client open.
const shared = await createPgliteClient();
const borrowed: SqlClient = { query: (text, params) => shared.query(text, params), close: async () => {} };
afterAll(() => shared.close());

describe('pgvector on PGlite (in memory): vector store contract', () => {
  vectorStoreContract(async (name, dimensions) =>
    createPgvectorStore({ client: borrowed, table: name, dimensions, backend: 'pgvector(pglite)' }),
  );
});

describe('pgvector on PGlite (data folder)', () => {
  it('keeps entries across a close and reopen of the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pglite-'));
    try {
      const [v] = seededVectors(1, 384, 3);
      const first = createPgvectorStore({ client: await createPgliteClient(dir), dimensions: 384 });
      await first.ensureCollection();
      await first.upsert([{ id: 'inc-9', vector: v!, payload: { service: 'cart' } }]);
      await first.close();
      await first.close(); // idempotent
      const second = createPgvectorStore({ client: await createPgliteClient(dir), dimensions: 384 });
      await second.ensureCollection();
      const hits = await second.search(v!, { limit: 3 });
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ id: 'inc-9', payload: { service: 'cart' } });
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects table names that are not plain identifiers', () => {
    expect(() => createPgvectorStore({ client: borrowed, table: 'x; drop table y', dimensions: 3 })).toThrow(
      /identifier/,
    );
  });
});
