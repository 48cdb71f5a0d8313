import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_MODELS_DIR,
  MODEL_FILES,
} from '../../src/embeddings/transformers-embedder.js';

/** Models folder used by tests: `VIGIL_MODELS_DIR` or the default cache. */
export const TEST_MODELS_DIR = process.env.VIGIL_MODELS_DIR ?? DEFAULT_MODELS_DIR;

/** Generous timeout for a `beforeAll` that may fetch the model from Maven Central (first run only). */
export const MODEL_FETCH_TIMEOUT_MS = 300_000;

/**
 * Makes sure the embedding model is on disk, running `scripts/models/fetch-embedding-model.sh` when it is
 * not (the fetch is cached afterwards). Tests that need the model never skip: a failed fetch fails them.
 */
export function ensureEmbeddingModel(): string {
  const folder = join(TEST_MODELS_DIR, DEFAULT_EMBEDDING_MODEL);
  if (MODEL_FILES.every((f) => existsSync(join(folder, f)))) return TEST_MODELS_DIR;
  execFileSync('bash', [join(import.meta.dirname, '../../scripts/models/fetch-embedding-model.sh')], {
    env: { ...process.env, VIGIL_MODELS_DIR: TEST_MODELS_DIR },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: MODEL_FETCH_TIMEOUT_MS,
  });
  return TEST_MODELS_DIR;
}
