import { describe } from 'vitest';
import { createQdrantVectorStore } from '../../src/vector-store/qdrant-store.js';
import { vectorStoreContract } from './vector-store-contract.js';

/** Qdrant runs only where one is reachable; no registry ships the server (see ARCHITECTURE.md). */
const QDRANT_URL = process.env.QDRANT_URL;

async function qdrantStatus(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!QDRANT_URL) return { ok: false, reason: 'QDRANT_URL is not set' };
  try {
    const response = await fetch(new URL('/readyz', QDRANT_URL), { signal: AbortSignal.timeout(2000) });
    return response.ok
      ? { ok: true }
      : { ok: false, reason: `${QDRANT_URL}/readyz answered ${response.status}` };
  } catch (error) {
    return { ok: false, reason: `${QDRANT_URL} is not reachable (${(error as Error).message})` };
  }
}

const status = await qdrantStatus();
const title = status.ok
  ? `Qdrant at ${QDRANT_URL}: vector store contract`
  : `Qdrant: vector store contract NOT RUN — ${status.reason}`;

describe.skipIf(!status.ok)(title, () => {
  vectorStoreContract(async (name, dimensions) =>
    createQdrantVectorStore({
      url: QDRANT_URL!,
      collection: name,
      dimensions,
      indexedFields: { service: 'keyword', falsePositive: 'bool' },
    }),
  );
});
