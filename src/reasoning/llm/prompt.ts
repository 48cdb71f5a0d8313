import type { Hypothesis } from '../../model/hypothesis-event.js';
import type { ReasoningInput } from '../reasoning-input.js';
import { LLM_OUTPUT_EXAMPLE } from './llm-output.js';

/** The two messages sent to the model. */
export interface LlmPrompt {
  readonly system: string;
  readonly user: string;
}

/** At most this many anomalies are described in the prompt (best-ranked components first). */
export const PROMPT_ANOMALY_LIMIT = 30;

/**
 * Builds the prompt for one incident revision: the incident, its anomalies with their robust deviations,
 * the ranked components, similar past incidents, and the rules engine's hypotheses as hints. Asks for
 * JSON only, in the shape of `llmOutputSchema`.
 */
export function buildPrompt(input: ReasoningInput, ruleHints: readonly Hypothesis[]): LlmPrompt {
  const rank = new Map(input.rankedComponents.map((c, i) => [c.component, i]));
  const anomalies = [...input.incident.anomalies]
    .sort(
      (a, b) =>
        (rank.get(a.component) ?? 1e9) - (rank.get(b.component) ?? 1e9) || a.timestampMs - b.timestampMs,
    )
    .slice(0, PROMPT_ANOMALY_LIMIT)
    .map((a) => ({
      component: a.component,
      metric: a.metric,
      series: a.series,
      time: new Date(a.timestampMs).toISOString(),
      direction: a.direction,
      value: a.value,
      baselineMedian: a.median,
      robustDeviation: Number(a.deviation.toFixed(2)),
      severity: a.severity,
      labels: a.labels,
    }));
  const incident = {
    id: input.incident.id,
    openedAt: new Date(input.incident.openedAtMs).toISOString(),
    anomalyCount: input.incident.revision,
    anomalies,
    rankedComponents: input.rankedComponents.map((c) => ({
      component: c.component,
      score: Number(c.score.toFixed(3)),
      onset: new Date(c.onsetMs).toISOString(),
      callDepth: c.upstreamDepth,
    })),
    similarPastIncidents: input.similar.map((s) => ({
      similarity: Number(s.similarity.toFixed(3)),
      summary: s.summary,
      rootCause: s.rootCause,
      resolution: s.resolution,
    })),
    ruleEngineHypotheses: ruleHints.slice(0, 3).map((h) => ({
      cause: h.cause,
      component: h.component,
      confidence: h.confidence,
    })),
  };
  return {
    system:
      'You are a site reliability engineer doing root-cause analysis of a production incident. ' +
      'Use only the facts given. Rank hypotheses by confidence (0..1). ' +
      'Answer with one JSON object and nothing else, exactly in this shape: ' +
      LLM_OUTPUT_EXAMPLE,
    user: `Incident:\n${JSON.stringify(incident)}`,
  };
}
