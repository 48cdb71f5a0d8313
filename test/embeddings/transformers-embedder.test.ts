import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, type Embedder } from '../../src/embeddings/embedder.js';
import {
  createTransformersEmbedder,
  DEFAULT_EMBEDDING_MODEL,
  MODEL_MISSING,
} from '../../src/embeddings/transformers-embedder.js';
import { VigilError } from '../../src/errors.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from './ensure-model.js';

let embedder: Embedder;

beforeAll(async () => {
  const modelsDir = ensureEmbeddingModel();
  embedder = await createTransformersEmbedder({ modelsDir });
}, MODEL_FETCH_TIMEOUT_MS);

afterAll(async () => {
  await embedder?.close?.();
});

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('transformers.js embedder (real all-MiniLM-L6-v2, offline)', () => {
  it('returns one 384-d unit vector per text, in order, deterministically', async () => {
    const texts = ['checkout latency spike', 'disk full on the database host', 'checkout latency spike'];
    const vectors = await embedder.embed(texts);
    expect(embedder.model).toBe(DEFAULT_EMBEDDING_MODEL);
    expect(embedder.dimensions).toBe(384);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(384);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
    expect(cosineSimilarity(vectors[0]!, vectors[2]!)).toBeCloseTo(1, 5);
    expect(cosineSimilarity(vectors[0]!, vectors[1]!)).toBeLessThan(0.9);
  });

  it('ranks semantically close texts above unrelated ones', async () => {
    const cases: Array<[anchor: string, close: string, unrelated: string]> = [
      [
        'payments service error rate jumped after a deploy',
        'spike of failed payment requests following a release',
        'the cafeteria menu for next week includes lasagne',
      ],
      [
        'database connection pool exhausted, queries time out',
        'postgres ran out of connections and requests are timing out',
        'cpu usage dropped on the image thumbnail workers at night',
      ],
      [
        'checkout p99 latency spike in eu-west-1',
        'checkout response times very high in europe',
        'auth token cache hit ratio is normal',
      ],
    ];
    for (const [anchor, close, unrelated] of cases) {
      const [a, c, u] = await embedder.embed([anchor, close, unrelated]);
      const near = cosineSimilarity(a!, c!);
      const far = cosineSimilarity(a!, u!);
      expect(near, `${anchor} ~ ${close}`).toBeGreaterThan(far + 0.15);
    }
  });

  it('gives a text the same vector whatever else is embedded with it, in input order', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `incident number ${i} on service s${i % 7}`);
    const all = await embedder.embed(texts);
    const single = await embedder.embed([texts[33]!]);
    expect(all).toHaveLength(40);
    expect(Array.from(all[33]!)).toEqual(Array.from(single[0]!));
    expect(cosineSimilarity(all[33]!, all[34]!)).toBeLessThan(0.999);
  });

  it('fails at startup, saying what to run, when the model is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-no-model-'));
    const attempt = createTransformersEmbedder({ modelsDir: empty });
    await expect(attempt).rejects.toBeInstanceOf(VigilError);
    await expect(attempt).rejects.toMatchObject({ code: MODEL_MISSING });
    await expect(attempt).rejects.toThrow(/npm run models:fetch/);
  });
});
