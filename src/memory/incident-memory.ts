import type { Embedder } from '../embeddings/embedder.js';
import { VigilError } from '../errors.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { SimilarIncident } from '../model/context-event.js';
import type { PayloadObject, SearchHit, VectorStore } from '../vector-store/vector-store.js';
import { signatureOfAnomaly, summarizeSignature } from './anomaly-summary.js';
import { type Incident, incidentPayload } from './incident.js';

/** A resolved anomaly to remember as a past incident. */
export interface ResolvedIncident {
  /** Incident id (default `INC-<anomaly id>`). */
  readonly id?: string;
  readonly anomaly: AnomalyEvent;
  readonly summary: string;
  readonly rootCause: string;
  readonly resolution: string;
  /** ISO-8601 (default: the anomaly's event time). */
  readonly occurredAt?: string;
}

/** Operator feedback on a remembered incident. */
export interface IncidentFeedback {
  readonly rootCause?: string;
  readonly falsePositive?: boolean;
}

/** Outcome of {@link IncidentMemory.seed}. */
export interface SeedResult {
  readonly added: readonly string[];
  readonly skipped: readonly string[];
}

/** Past incidents, embedded and stored in a vector store. */
export interface IncidentMemory {
  /** Creates the collection, then adds the incidents not yet stored (by id); stored ones are left as is. */
  seed(incidents: readonly Incident[]): Promise<SeedResult>;
  /** Embeds and stores (or replaces, by id) a resolved incident. */
  rememberIncident(resolved: ResolvedIncident): Promise<Incident>;
  /** Updates root cause and/or false-positive flag of a stored incident (its vector is kept). */
  recordFeedback(incidentId: string, feedback: IncidentFeedback): Promise<void>;
  /** Stores (or replaces) incidents, embedding their summaries. */
  upsertIncidents(incidents: readonly Incident[]): Promise<void>;
}

/** Code of the error raised by {@link IncidentMemory.recordFeedback} for an unknown id. */
export const INCIDENT_NOT_FOUND = 'VIGIL_ERR_MEMORY_INCIDENT_NOT_FOUND';

/** The text embedded for an incident (the same function the memory stage uses for anomalies). */
export function incidentText(incident: Incident): string {
  return summarizeSignature(incident.signature);
}

const str = (payload: PayloadObject, key: string): string => {
  const value = payload[key];
  return typeof value === 'string' ? value : '';
};

/** The similar incidents of search hits, keeping the order (most similar first). */
export function similarIncidentsOf(hits: readonly SearchHit[]): SimilarIncident[] {
  return hits.map((hit) => ({
    id: str(hit.payload, 'incidentId') || hit.id,
    similarity: hit.score,
    summary: str(hit.payload, 'summary'),
    rootCause: str(hit.payload, 'rootCause'),
    resolution: str(hit.payload, 'resolution'),
  }));
}

/**
 * Incident memory over an {@link Embedder} and a {@link VectorStore}.
 *
 * @example
 * const memory = createIncidentMemory({ embedder, store });
 * await memory.seed(loadIncidentsFile());          // first start: adds ~30 sample incidents
 * await memory.recordFeedback('INC-2025-014', { falsePositive: true });
 */
export function createIncidentMemory(options: { embedder: Embedder; store: VectorStore }): IncidentMemory {
  const { embedder, store } = options;

  async function upsertIncidents(incidents: readonly Incident[]): Promise<void> {
    if (incidents.length === 0) return;
    const texts = incidents.map(incidentText);
    const vectors = await embedder.embed(texts);
    await store.upsert(
      incidents.map((incident, i) => ({
        id: incident.id,
        vector: vectors[i]!,
        payload: incidentPayload(incident, texts[i]!),
      })),
    );
  }

  return {
    upsertIncidents,
    async seed(incidents) {
      await store.ensureCollection();
      const existing = new Set((await store.get(incidents.map((i) => i.id))).map((item) => item.id));
      const missing = incidents.filter((i) => !existing.has(i.id));
      await upsertIncidents(missing);
      return {
        added: missing.map((i) => i.id),
        skipped: incidents.filter((i) => existing.has(i.id)).map((i) => i.id),
      };
    },
    async rememberIncident(resolved) {
      const incident: Incident = {
        id: resolved.id ?? `INC-${resolved.anomaly.id}`,
        summary: resolved.summary,
        signature: signatureOfAnomaly(resolved.anomaly),
        rootCause: resolved.rootCause,
        resolution: resolved.resolution,
        occurredAt: resolved.occurredAt ?? new Date(resolved.anomaly.timestampMs).toISOString(),
        falsePositive: false,
      };
      await upsertIncidents([incident]);
      return incident;
    },
    async recordFeedback(incidentId, feedback) {
      const [stored] = await store.get([incidentId]);
      if (!stored) {
        throw new VigilError(INCIDENT_NOT_FOUND, `no incident ${incidentId} in memory; nothing to update`);
      }
      const payload: PayloadObject = {
        ...stored.payload,
        ...(feedback.rootCause !== undefined ? { rootCause: feedback.rootCause } : {}),
        ...(feedback.falsePositive !== undefined ? { falsePositive: feedback.falsePositive } : {}),
      };
      await store.upsert([{ id: stored.id, vector: stored.vector, payload }]);
    },
  };
}
