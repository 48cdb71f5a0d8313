import type { KeyedState, StageHandler, StageOutput } from '../../consumers/stage.js';
import type { ContextEvent } from '../../model/context-event.js';
import type { Hypothesis, HypothesisEvent } from '../../model/hypothesis-event.js';
import { type RankingOptions, rankComponents } from '../../reasoning/component-ranking.js';
import { type Incident, type IncidentBook, summarizeIncident } from '../../reasoning/incident.js';
import { closeExpired, type GroupingOptions, groupAnomaly } from '../../reasoning/incident-grouping.js';
import type { LlmEngine } from '../../reasoning/llm/llm-engine.js';
import type { ReasoningInput } from '../../reasoning/reasoning-input.js';
import type { RulesEngine } from '../../reasoning/rules/rules-engine.js';

/** Schema name of the events the reasoning stage writes. */
export const HYPOTHESIS_SCHEMA = 'HypothesisEvent';

/** Counters of the reasoning handler (for metrics). */
export interface ReasonHandlerStats {
  /** Hypothesis events emitted. */
  events: number;
  /** Re-delivered anomalies ignored because their incident already holds them. */
  duplicates: number;
  /** Incidents closed (window passed or evicted). */
  incidentsClosed: number;
  /** Events whose hypotheses came from the LLM. */
  llmAnswers: number;
  /** Events that fell back to the rules although the LLM engine is configured. */
  llmFallbacks: number;
  /** Total time spent waiting for the LLM engine (clock ms). */
  llmWaitMs: number;
}

/** Ports and settings of the reasoning handler. */
export interface ReasonHandlerOptions {
  readonly hypothesesTopic: string;
  readonly grouping: GroupingOptions;
  readonly ranking: RankingOptions;
  readonly rules: RulesEngine;
  /** Optional LLM engine; without it the rules engine answers and `fallbackReason` is null. */
  readonly llm?: LlmEngine | undefined;
  /** Clock (ms) used to measure time spent in the LLM engine. Default `Date.now`. */
  readonly clock?: () => number;
  readonly maxHypotheses: number;
  /** Called for every event emitted; must not throw. */
  readonly onHypothesis?: (event: HypothesisEvent) => void;
  /** Called for every incident that closes; must not throw. */
  readonly onIncidentClosed?: (incident: Incident) => void;
}

/** The reasoning handler plus its counters. */
export interface ReasonHandler extends StageHandler<ContextEvent, IncidentBook> {
  readonly stats: Readonly<ReasonHandlerStats>;
}

interface PartitionIndex {
  watermarkMs: number;
  nextSweepMs: number;
  /** Keys seen by this process, with the latest anomaly time of their open incidents. */
  readonly lastAnomalyAt: Map<string, number>;
}

/**
 * The reasoning stage's logic. Per context: group its anomaly into the correlation key's incidents (state
 * in the keyed store), rank the incident's components, evaluate the rules, optionally ask the LLM (whose
 * failures — breaker open, timeout, invalid output — fall back to the rules with `fallbackReason`), and
 * emit one `HypothesisEvent` per incident revision, keyed by incident id. A re-delivered anomaly emits
 * nothing.
 *
 * State stays bounded: a key's incidents close when its own anomalies move event time past
 * `lastAnomalyAt + window`; keys that go quiet are swept when the partition's event time passes
 * `lastAnomalyAt + 2·window` (the extra window tolerates skew between keys). Keys restored from the
 * changelog are swept after their next anomaly.
 */
export function createReasonHandler(options: ReasonHandlerOptions): ReasonHandler {
  const { grouping, ranking, rules, llm, hypothesesTopic, maxHypotheses } = options;
  const clock = options.clock ?? Date.now;
  const windowMs = grouping.windowMs;
  const partitions = new Map<number, PartitionIndex>();
  const stats: ReasonHandlerStats = {
    events: 0,
    duplicates: 0,
    incidentsClosed: 0,
    llmAnswers: 0,
    llmFallbacks: 0,
    llmWaitMs: 0,
  };
  const none: readonly StageOutput[] = [];

  function closed(list: readonly Incident[]) {
    stats.incidentsClosed += list.length;
    for (const incident of list) options.onIncidentClosed?.(incident);
  }

  function sweep(index: PartitionIndex, state: KeyedState<IncidentBook>, currentKey: string) {
    if (index.watermarkMs < index.nextSweepMs) return;
    index.nextSweepMs = index.watermarkMs + Math.max(1, Math.floor(windowMs / 4));
    const horizon = index.watermarkMs - windowMs;
    for (const [key, last] of index.lastAnomalyAt) {
      if (key === currentKey || last + windowMs >= horizon) continue;
      index.lastAnomalyAt.delete(key);
      const book = state.get(key);
      if (!book) continue;
      const result = closeExpired(book, horizon, windowMs);
      closed(result.closed);
      if (result.book) {
        state.set(key, result.book);
        index.lastAnomalyAt.set(key, Math.max(...result.book.incidents.map((i) => i.lastAnomalyAtMs)));
      } else {
        state.delete(key);
      }
    }
  }

  async function hypothesize(input: ReasoningInput) {
    const ruled = rules.evaluate(input, maxHypotheses);
    if (!llm) return { hypotheses: ruled, engine: 'rules' as const, fallbackReason: null };
    const started = clock();
    const outcome = await llm.hypothesize(input, ruled);
    stats.llmWaitMs += Math.max(0, clock() - started);
    if (outcome.ok) {
      stats.llmAnswers++;
      const hypotheses: Hypothesis[] = outcome.hypotheses.slice(0, maxHypotheses);
      return { hypotheses, engine: 'llm' as const, fallbackReason: null };
    }
    stats.llmFallbacks++;
    return { hypotheses: ruled, engine: 'rules' as const, fallbackReason: outcome.reason };
  }

  return {
    stats,
    async process(context, stage) {
      const key = context.correlationKey;
      let index = partitions.get(stage.partition);
      if (!index) {
        index = {
          watermarkMs: Number.NEGATIVE_INFINITY,
          nextSweepMs: Number.NEGATIVE_INFINITY,
          lastAnomalyAt: new Map(),
        };
        partitions.set(stage.partition, index);
      }
      const result = groupAnomaly(stage.state.get(key), context, grouping);
      closed(result.closed);
      index.watermarkMs = Math.max(index.watermarkMs, context.anomaly.timestampMs);
      index.lastAnomalyAt.set(key, Math.max(...result.book.incidents.map((i) => i.lastAnomalyAtMs)));
      stage.state.set(key, result.book);
      sweep(index, stage.state, key);
      if (result.kind === 'duplicate') {
        stats.duplicates++;
        return none;
      }
      const { incident } = result;
      const rankedComponents = rankComponents(incident.anomalies, ranking);
      const input: ReasoningInput = { incident, rankedComponents, similar: incident.similar };
      const { hypotheses, engine, fallbackReason } = await hypothesize(input);
      const event: HypothesisEvent = {
        id: `${incident.id}#${incident.revision}`,
        incident: summarizeIncident(incident),
        revision: incident.revision,
        hypotheses,
        rankedComponents,
        engine,
        fallbackReason,
        similar: incident.similar,
        trigger: context,
      };
      stats.events++;
      options.onHypothesis?.(event);
      return [{ topic: hypothesesTopic, key: incident.id, schema: HYPOTHESIS_SCHEMA, value: event }];
    },
  };
}
