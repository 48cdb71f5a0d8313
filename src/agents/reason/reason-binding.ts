import { CodecError, type EventDecoder } from '../../codec/index.js';
import type { DecodeOutcome, StageBinding } from '../../consumers/stage.js';
import type { ContextEvent } from '../../model/context-event.js';
import { DEFAULT_RANKING_WEIGHTS } from '../../reasoning/component-ranking.js';
import type { DependencyGraph } from '../../reasoning/dependency-graph.js';
import {
  deserializeIncidentBook,
  type IncidentBook,
  serializeIncidentBook,
} from '../../reasoning/incident.js';
import type { LlmEngine } from '../../reasoning/llm/llm-engine.js';
import type { RulesEngine } from '../../reasoning/rules/rules-engine.js';
import { createReasonHandler, type ReasonHandler, type ReasonHandlerOptions } from './reason-handler.js';
import type { ReasonSettings } from './reason-settings.js';

/** Error class (dead-letter header) of a decoded value that is not a context event. */
export const INVALID_CONTEXT_ERROR_CLASS = 'invalid-context';

/** Topics, ports and settings of the reasoning stage. */
export interface ReasonBindingOptions {
  readonly settings: ReasonSettings;
  readonly contextsTopic: string;
  readonly hypothesesTopic: string;
  /** Dead letters of `contexts` (e.g. `contexts.dlq`). */
  readonly deadLetterTopic: string;
  /** Compacted changelog of the incident store, co-partitioned with `contexts` (see {@link reasonChangelogTopic}). */
  readonly changelogTopic: string;
  readonly decoder: EventDecoder;
  readonly rules: RulesEngine;
  readonly graph?: DependencyGraph | undefined;
  /** Optional LLM engine (built by the composition root when `settings.llm.enabled`). */
  readonly llm?: LlmEngine | undefined;
  readonly clock?: () => number;
  readonly onHypothesis?: ReasonHandlerOptions['onHypothesis'];
  readonly onIncidentClosed?: ReasonHandlerOptions['onIncidentClosed'];
}

/** The reasoning stage's binding, with its handler exposed for its counters. */
export type ReasonBinding = StageBinding<ContextEvent, IncidentBook> & { readonly handler: ReasonHandler };

/** Name of the incident store's changelog topic: `<prefix><groupId>.incidents.changelog`. */
export function reasonChangelogTopic(groupId: string, prefix = ''): string {
  return `${prefix}${groupId}.incidents.changelog`;
}

function contextProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'value is not a record';
  const v = value as Partial<ContextEvent>;
  if (typeof v.id !== 'string') return 'field "id" is missing';
  if (typeof v.correlationKey !== 'string' || v.correlationKey === '')
    return 'field "correlationKey" is missing';
  if (!v.anomaly || typeof v.anomaly !== 'object') return 'field "anomaly" is missing';
  if (typeof v.anomaly.timestampMs !== 'number' || !Number.isFinite(v.anomaly.timestampMs)) {
    return 'field "anomaly.timestampMs" is not a number';
  }
  if (!v.anomaly.baseline || !Array.isArray(v.similar)) return 'value is not a vigil.ContextEvent';
  return null;
}

/**
 * The reasoning stage, declared: reads `contexts` (keyed by correlation key), keeps the open incidents
 * of each correlation key in a store backed by a compacted changelog (compact JSON), writes one
 * `HypothesisEvent` per incident revision to `hypotheses` keyed by incident id, and dead-letters records
 * that are not context events.
 */
export function reasonBinding(options: ReasonBindingOptions): ReasonBinding {
  const { settings, decoder } = options;
  const handler = createReasonHandler({
    hypothesesTopic: options.hypothesesTopic,
    grouping: {
      windowMs: settings.correlationWindowMs,
      groupByCorrelationKey: settings.grouping.byCorrelationKey,
      labelKeys: settings.grouping.labelKeys,
      componentLabelKeys: settings.grouping.componentLabelKeys,
      metricLabelKey: settings.grouping.metricLabelKey,
      graph: options.graph,
      graphLinkHops: settings.grouping.graphLinkHops,
      maxOpenIncidentsPerKey: settings.grouping.maxOpenIncidentsPerKey,
      maxAnomaliesPerIncident: settings.grouping.maxAnomaliesPerIncident,
      similarLimit: settings.similarLimit,
    },
    ranking: {
      weights: settings.ranking.weights ?? DEFAULT_RANKING_WEIGHTS,
      onsetHorizonMs: settings.ranking.onsetHorizonMs,
      graph: options.graph,
    },
    rules: options.rules,
    llm: options.llm,
    ...(options.clock ? { clock: options.clock } : {}),
    maxHypotheses: settings.maxHypotheses,
    ...(options.onHypothesis ? { onHypothesis: options.onHypothesis } : {}),
    ...(options.onIncidentClosed ? { onIncidentClosed: options.onIncidentClosed } : {}),
  });
  return {
    name: 'reason',
    groupId: settings.groupId,
    inputTopic: options.contextsTopic,
    deadLetterTopic: options.deadLetterTopic,
    async decode(record): Promise<DecodeOutcome<ContextEvent>> {
      if (!record.value || record.value.length === 0) {
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
      const problem = contextProblem(value);
      if (problem) {
        return {
          ok: false,
          errorClass: INVALID_CONTEXT_ERROR_CLASS,
          code: 'VIGIL_ERR_REASON_INVALID_CONTEXT',
          message: problem,
        };
      }
      return { ok: true, value: value as ContextEvent };
    },
    stateKey: (context) => context.correlationKey,
    handler,
    store: {
      changelogTopic: options.changelogTopic,
      serialize: serializeIncidentBook,
      deserialize: (bytes) => deserializeIncidentBook(bytes),
    },
    failurePolicy: settings.failurePolicy,
  };
}
