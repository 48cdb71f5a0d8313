import type { EventDecoder } from '../../codec/index.js';
import { CodecError } from '../../codec/index.js';
import type { DecodeOutcome, FailurePolicy, StageBinding } from '../../consumers/stage.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import { createMemoryHandler, type MemoryHandler, type MemoryHandlerOptions } from './memory-handler.js';

/** Topic and group wiring of the memory stage. */
export interface MemoryBindingOptions extends MemoryHandlerOptions {
  /** Consumer group (settings `memory.groupId`, default `vigil-memory`). */
  readonly groupId: string;
  readonly anomaliesTopic: string;
  /** Usually `anomalies.dlq`. */
  readonly deadLetterTopic: string;
  readonly decoder: EventDecoder;
  readonly failurePolicy: FailurePolicy;
}

/** The memory stage binding; its handler is a {@link MemoryHandler} (close it on shutdown). */
export type MemoryBinding = StageBinding<AnomalyEvent, never> & { readonly handler: MemoryHandler };

function isAnomalyEvent(value: unknown): value is AnomalyEvent {
  const v = value as Partial<AnomalyEvent> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.series === 'string' &&
    typeof v.value === 'number' &&
    (v.direction === 'up' || v.direction === 'down') &&
    Array.isArray(v.detectors) &&
    typeof v.baseline === 'object' &&
    v.baseline !== null &&
    typeof v.labels === 'object' &&
    v.labels !== null
  );
}

/**
 * The memory stage, declared: reads `anomalies` (single-object or registry-framed Avro), keeps no state,
 * writes one context per anomaly to `contexts` keyed by the correlation key, and dead-letters records that
 * are not anomaly events to `anomalies.dlq`. Retriable decode errors (registry down) are rethrown so the
 * runtime retries and pauses rather than dead-lettering.
 */
export function memoryBinding(options: MemoryBindingOptions): MemoryBinding {
  const { decoder } = options;
  return {
    name: 'memory',
    groupId: options.groupId,
    inputTopic: options.anomaliesTopic,
    deadLetterTopic: options.deadLetterTopic,
    async decode(record): Promise<DecodeOutcome<AnomalyEvent>> {
      if (record.value === null || record.value.length === 0) {
        return {
          ok: false,
          errorClass: 'empty-record',
          code: 'VIGIL_ERR_CODEC_EMPTY_RECORD',
          message: 'empty value',
        };
      }
      let value: unknown;
      try {
        value = await decoder.decode(record.value);
      } catch (error) {
        if (error instanceof CodecError) return { ok: false, ...error.toDecodeError() };
        throw error;
      }
      if (!isAnomalyEvent(value)) {
        return {
          ok: false,
          errorClass: 'wrong-type',
          code: 'VIGIL_ERR_CODEC_WRONG_TYPE',
          message:
            'record is not an AnomalyEvent (expected id, series, value, direction, detectors, baseline, labels)',
        };
      }
      return { ok: true, value };
    },
    stateKey: (anomaly) => anomaly.series,
    handler: createMemoryHandler(options),
    failurePolicy: options.failurePolicy,
  };
}
