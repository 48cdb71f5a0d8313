import type { SimilarIncident } from '../model/context-event.js';
import type { RankedComponent } from '../model/hypothesis-event.js';
import type { Incident } from './incident.js';

/** What a hypothesis engine (rules or LLM) reasons about: one incident revision. */
export interface ReasoningInput {
  readonly incident: Incident;
  /** Most likely root-cause component first (see `rankComponents`). */
  readonly rankedComponents: readonly RankedComponent[];
  /** Similar past incidents of the incident, most similar first. */
  readonly similar: readonly SimilarIncident[];
}
