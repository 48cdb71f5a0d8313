import type { AnomalyEvent } from './anomaly-event.js';

/** A past incident similar to the current anomaly, as retrieved from incident memory. */
export interface SimilarIncident {
  readonly id: string;
  /** Cosine similarity in [-1, 1] (1 = same direction). */
  readonly similarity: number;
  readonly summary: string;
  readonly rootCause: string;
  readonly resolution: string;
}

/**
 * Output of the memory stage (`contexts` topic): the anomaly plus the most similar past incidents.
 * Keyed by `correlationKey`, so anomalies that may belong to one incident meet in one partition of the
 * reasoning stage.
 */
export interface ContextEvent {
  /** Equals the anomaly's id. */
  readonly id: string;
  readonly anomaly: AnomalyEvent;
  /** Partition key for the reasoning stage (e.g. the service, or a dependency-graph component). */
  readonly correlationKey: string;
  /** The short text that was embedded. */
  readonly summaryText: string;
  /** Top-k similar incidents, most similar first; empty when degraded. */
  readonly similar: readonly SimilarIncident[];
  /** Why `similar` may be incomplete (vector store or embedder failing or slow), or null. */
  readonly degraded: string | null;
  /** Name of the embedding model used (empty when degraded before embedding). */
  readonly embeddingModel: string;
}
