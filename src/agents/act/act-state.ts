import type { Recurrence } from '../../actions/runbooks/recovery-verifier.js';
import type { RunbookRun } from '../../actions/runbooks/runbook-lifecycle.js';
import { VigilError } from '../../errors.js';

/** What the action stage remembers about one incident (key = incident id). */
export interface IncidentActState {
  readonly type: 'incident';
  readonly incidentId: string;
  /** Highest revision handled; older or equal revisions are ignored. */
  readonly lastRevision: number;
  /** Targets that accepted the first page (`slack`, `pagerduty`, `webhook:<name>`). */
  readonly paged: readonly string[];
  /** Event time of the last alert or update round (ms), or null before the first. */
  readonly lastNotifiedAtMs: number | null;
  readonly runbook: RunbookRun | null;
  /** Anomalies on the runbook's series after it executed (kept for verification; at most 32). */
  readonly recurrences: readonly Recurrence[];
}

/**
 * Per-partition bookkeeping under {@link PARTITION_INDEX_KEY}: the event-time watermark and the incidents
 * whose runbook waits for verification, with their deadlines, so any later event on the partition can
 * settle them.
 */
export interface PartitionIndexState {
  readonly type: 'partition';
  /** Latest anomaly event time seen on the partition (ms). */
  readonly watermarkMs: number;
  /** Incident id → verification deadline (event time, ms). */
  readonly verifying: Readonly<Record<string, number>>;
}

/** The act stage's keyed state. */
export type ActState = IncidentActState | PartitionIndexState;

/** Reserved state key of the partition index (not a valid incident id of the reasoning stage). */
export const PARTITION_INDEX_KEY = '~act.partition-index';

const FORMAT = 1;

/** State as changelog bytes: versioned JSON. */
export function serializeActState(state: ActState): Buffer {
  return Buffer.from(JSON.stringify({ format: FORMAT, state }));
}

/** Reads changelog bytes back; throws on an unknown format (the runner then starts the key empty). */
export function deserializeActState(bytes: Buffer, key: string): ActState {
  const parsed = JSON.parse(bytes.toString('utf8')) as { format?: unknown; state?: ActState };
  if (
    parsed.format !== FORMAT ||
    !parsed.state ||
    (parsed.state.type !== 'incident' && parsed.state.type !== 'partition')
  ) {
    throw new VigilError('VIGIL_ERR_ACT_STATE_FORMAT', `act state of ${key} has an unknown format`);
  }
  return parsed.state;
}

/** The state of an incident seen for the first time. */
export function freshIncidentState(incidentId: string): IncidentActState {
  return {
    type: 'incident',
    incidentId,
    lastRevision: -1,
    paged: [],
    lastNotifiedAtMs: null,
    runbook: null,
    recurrences: [],
  };
}
