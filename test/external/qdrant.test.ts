import { beforeAll, describe } from 'vitest';
import { createQdrantVectorStore } from '../../src/vector-store/qdrant-store.js';
import { vectorStoreContract } from '../vector-store/vector-store-contract.js';

/**
 * The vector store contract on a real Qdrant server: `QDRANT_URL=http://127.0.0.1:6333 npm run
 * test:qdrant`. No package registry ships the Qdrant server, so it is not part of `npm run test:all` or CI;
 * run here, it fails (never skips) when the server does not answer.
 */
const QDRANT_URL = process.env.QDRANT_URL;

async function requireQdrant(): Promise<void> {
  if (!QDRANT_URL)
    throw new Error('QDRANT_URL is not set: point it at a Qdrant server (e.g. http://127.0.0.1:6333)');
  let answer: Response;
  try {
    answer = await fetch(new URL('/readyz', QDRANT_URL), { signal: AbortSignal.timeout(2000) });
  } catch (error) {
    throw new Error(`Qdrant at ${QDRANT_URL} is not reachable (${(error as Error).message})`);
  }
  if (!answer.ok) throw new Error(`Qdrant at ${QDRANT_URL}: /readyz answered ${answer.status}`);
}

describe(`Qdrant at ${QDRANT_URL ?? '(QDRANT_URL unset)'}: vector store contract`, () => {
  beforeAll(requireQdrant);
  vectorStoreContract(async (name, dimensions) =>
    createQdrantVectorStore({
      url: QDRANT_URL!,
      collection: name,
      dimensions,
      indexedFields: { service: 'keyword', falsePositive: 'bool' },
    }),
  );
});
