import type { EventDecoder } from '../../codec/index.js';
import type { FailurePolicy, StageBinding } from '../../consumers/stage.js';
import type { HypothesisEvent } from '../../model/hypothesis-event.js';
import { type ActHandlerOptions, createActHandler } from './act-handler.js';
import { type ActState, deserializeActState, serializeActState } from './act-state.js';

/** Topic and group wiring of the action stage, plus the handler's ports and settings. */
export interface ActBindingOptions extends ActHandlerOptions {
  /** Consumer group (settings `act.groupId`, default `vigil-act`). */
  readonly groupId: string;
  /** Input topic, `hypotheses`. */
  readonly hypothesesTopic: string;
  /** `hypotheses.dlq`. */
  readonly deadLetterTopic: string;
  /** Compacted, co-partitioned with `hypotheses`, e.g. `<prefix><groupId>.act.changelog`. */
  readonly changelogTopic: string;
  readonly decoder: EventDecoder;
  readonly failurePolicy: FailurePolicy;
}

function isHypothesisEvent(value: unknown): value is HypothesisEvent {
  const v = value as Partial<HypothesisEvent> | null;
  return (
    !!v &&
    typeof v.id === 'string' &&
    typeof v.revision === 'number' &&
    typeof v.incident?.id === 'string' &&
    Array.isArray(v.hypotheses) &&
    typeof v.trigger?.anomaly?.timestampMs === 'number'
  );
}

/**
 * The action stage, declared: reads `hypotheses`, keeps per-incident dedup/cooldown/runbook state in a
 * store backed by a compacted changelog (key = incident id), writes `actions` keyed by incident id,
 * dead-letters undecodable records to `hypotheses.dlq`.
 */
export function actBinding(options: ActBindingOptions): StageBinding<HypothesisEvent, ActState> {
  const { decoder } = options;
  return {
    name: 'act',
    groupId: options.groupId,
    inputTopic: options.hypothesesTopic,
    deadLetterTopic: options.deadLetterTopic,
    async decode(record) {
      if (!record.value || record.value.length === 0) {
        return {
          ok: false,
          errorClass: 'empty-record',
          code: 'VIGIL_ERR_ACT_EMPTY_RECORD',
          message: 'record has no value',
        };
      }
      let value: unknown;
      try {
        value = await decoder.decode(record.value);
      } catch (error) {
        const e = error as { code?: string; errorClass?: string; retriable?: boolean; message: string };
        if (e.retriable) throw error;
        return {
          ok: false,
          errorClass: e.errorClass ?? 'undecodable',
          code: e.code ?? 'VIGIL_ERR_ACT_UNDECODABLE',
          message: e.message,
        };
      }
      if (!isHypothesisEvent(value)) {
        return {
          ok: false,
          errorClass: 'wrong-type',
          code: 'VIGIL_ERR_ACT_NOT_A_HYPOTHESIS',
          message:
            'value is not a HypothesisEvent (needs id, revision, incident.id, hypotheses, trigger.anomaly)',
        };
      }
      return { ok: true, value };
    },
    stateKey: (event) => event.incident.id,
    handler: createActHandler(options),
    store: {
      changelogTopic: options.changelogTopic,
      serialize: serializeActState,
      deserialize: deserializeActState,
    },
    failurePolicy: options.failurePolicy,
  };
}
