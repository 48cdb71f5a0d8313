import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/embeddings/embedder.js';
import { createTransformersEmbedder } from '../../src/embeddings/transformers-embedder.js';
import { createIncidentMemory, INCIDENT_NOT_FOUND, incidentText } from '../../src/memory/incident-memory.js';
import { loadIncidentsFile } from '../../src/memory/incidents-file.js';
import { createPgliteClient } from '../../src/vector-store/pglite-client.js';
import { createPgvectorStore } from '../../src/vector-store/pgvector-store.js';
import type { VectorStore } from '../../src/vector-store/vector-store.js';
import { anomaly } from '../agents/memory/anomaly-fixtures.js';
import { ensureEmbeddingModel, MODEL_FETCH_TIMEOUT_MS } from '../embeddings/ensure-model.js';

let embedder: Embedder;
let store: VectorStore;

beforeAll(async () => {
  embedder = await createTransformersEmbedder({ modelsDir: ensureEmbeddingModel() });
  store = createPgvectorStore({ client: await createPgliteClient(), dimensions: embedder.dimensions });
}, MODEL_FETCH_TIMEOUT_MS);

afterAll(async () => {
  await store?.close();
  await embedder?.close?.();
});

describe('incident memory (real embedder, pgvector on PGlite)', () => {
  const incidents = loadIncidentsFile();

  it('seeds once: a second start skips every stored incident and re-embeds nothing', async () => {
    const memory = createIncidentMemory({ embedder, store });
    const first = await memory.seed(incidents);
    expect(first.added).toHaveLength(incidents.length);
    expect(first.skipped).toEqual([]);
    let embedded = 0;
    const counting: Embedder = {
      ...embedder,
      embed: (texts) => {
        embedded += texts.length;
        return embedder.embed(texts);
      },
    };
    const second = await createIncidentMemory({ embedder: counting, store }).seed(incidents);
    expect(second.added).toEqual([]);
    expect(second.skipped).toHaveLength(incidents.length);
    expect(embedded).toBe(0);
    const [stored] = await store.get([incidents[0]!.id]);
    expect(stored?.payload).toMatchObject({
      incidentId: incidents[0]!.id,
      embeddedText: incidentText(incidents[0]!),
    });
  });

  it('each seeded incident is its own nearest neighbour (the text is the same function)', async () => {
    for (const incident of incidents.slice(0, 8)) {
      const [v] = await embedder.embed([incidentText(incident)]);
      const [top] = await store.search(v!, { limit: 1 });
      expect(top?.id).toBe(incident.id);
      expect(top!.score).toBeCloseTo(1, 3);
    }
  });

  it('remembers a resolved anomaly and finds it for a similar new anomaly', async () => {
    const memory = createIncidentMemory({ embedder, store });
    const resolved = anomaly({
      id: 'x1',
      series: 'ledger.replication_lag_s{host=ledger-2}',
      labels: { service: 'ledger', metric: 'replication_lag_s', host: 'ledger-2', region: 'eu-west-1' },
      value: 900,
      median: 2,
      mad: 0.5,
    });
    const incident = await memory.rememberIncident({
      anomaly: resolved,
      summary: 'Ledger replica lagged 15 minutes',
      rootCause: 'Long-running analytics query held back replay on the replica',
      resolution: 'Moved analytics to a dedicated replica',
    });
    expect(incident.id).toBe('INC-x1');
    expect(incident.occurredAt).toBe(new Date(resolved.timestampMs).toISOString());
    const again = anomaly({
      ...resolved,
      id: 'x2',
      value: 700,
      labels: { ...resolved.labels, host: 'ledger-4' },
    });
    const { summarizeSignature, signatureOfAnomaly } = await import('../../src/memory/anomaly-summary.js');
    const [v] = await embedder.embed([summarizeSignature(signatureOfAnomaly(again))]);
    const [top] = await store.search(v!, { limit: 3 });
    expect(top?.id).toBe('INC-x1');
    expect(top?.payload.rootCause).toMatch(/analytics query/);
  });

  it('records feedback: root cause and false-positive flag change, the vector stays', async () => {
    const memory = createIncidentMemory({ embedder, store });
    const id = incidents[3]!.id;
    const [before] = await store.get([id]);
    await memory.recordFeedback(id, {
      rootCause: 'Confirmed: expired intermediate certificate',
      falsePositive: true,
    });
    const [after] = await store.get([id]);
    expect(after?.payload).toMatchObject({
      rootCause: 'Confirmed: expired intermediate certificate',
      falsePositive: true,
    });
    expect(Array.from(after!.vector)).toEqual(Array.from(before!.vector));
    const hits = await store.search(before!.vector, { limit: 40, filter: { falsePositive: false } });
    expect(hits.map((h) => h.id)).not.toContain(id);
    await expect(memory.recordFeedback('INC-nope', { falsePositive: true })).rejects.toMatchObject({
      code: INCIDENT_NOT_FOUND,
    });
  });
});
