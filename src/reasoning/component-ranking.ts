import type { RankedComponent } from '../model/hypothesis-event.js';
import { callDistance, type DependencyGraph } from './dependency-graph.js';
import type { IncidentAnomaly } from './incident.js';

/** Weights of the three ranking signals; only their ratios matter (the score is normalised). */
export interface RankingWeights {
  /** Earlier onset = more likely the root cause. */
  readonly onset: number;
  /** Larger robust deviation = more likely the root cause. */
  readonly deviation: number;
  /** Deeper in the call chain (callee of other affected components) = more likely the root cause. */
  readonly upstream: number;
}

/** Default weights: onset 0.35, deviation 0.4, call-graph position 0.25. */
export const DEFAULT_RANKING_WEIGHTS: RankingWeights = Object.freeze({
  onset: 0.35,
  deviation: 0.4,
  upstream: 0.25,
});

/** Options of {@link rankComponents}. */
export interface RankingOptions {
  readonly weights: RankingWeights;
  /**
   * Onset lag (ms) after which a component gets no onset credit: onset score =
   * `1 − min(1, (onset − earliestOnset) / onsetHorizonMs)`.
   */
  readonly onsetHorizonMs: number;
  /** Call graph; without it the upstream signal is left out (its weight is not counted). */
  readonly graph?: DependencyGraph | undefined;
}

interface ComponentSignals {
  readonly component: string;
  readonly onsetMs: number;
  readonly deviation: number;
}

/**
 * Call depth of each affected component: the largest number of call hops from another affected component
 * that (transitively) calls it. 0 for a component no other affected component calls (the most upstream,
 * e.g. the front end where the symptom shows) and for components missing from the graph.
 */
export function callDepths(components: readonly string[], graph: DependencyGraph): Map<string, number> {
  const depths = new Map<string, number>();
  for (const target of components) {
    let depth = 0;
    for (const source of components) {
      if (source === target) continue;
      const hops = callDistance(graph, source, target);
      if (hops !== null && hops > depth) depth = hops;
    }
    depths.set(target, depth);
  }
  return depths;
}

/**
 * Ranks an incident's components as root-cause candidates, most likely first (pure, deterministic).
 *
 * Per component: onset = earliest anomaly time, deviation = largest robust deviation, depth = call depth
 * (see {@link callDepths}). Each signal is mapped to [0, 1]:
 *
 * * onset: `1 − min(1, (onset − earliest) / onsetHorizonMs)`
 * * deviation: `log(1 + d) / log(1 + dMax)` (log-compressed, so one huge spike does not drown the rest)
 * * upstream: `depth / maxDepth` (0 when no affected component calls another)
 *
 * score = Σ wᵢ·sᵢ / Σ wᵢ over the signals in use, in [0, 1]. Ties: earlier onset, larger deviation, then
 * component name.
 */
export function rankComponents(
  anomalies: readonly IncidentAnomaly[],
  options: RankingOptions,
): RankedComponent[] {
  const signals = new Map<string, ComponentSignals>();
  for (const a of anomalies) {
    const known = signals.get(a.component);
    signals.set(a.component, {
      component: a.component,
      onsetMs: Math.min(known?.onsetMs ?? a.timestampMs, a.timestampMs),
      deviation: Math.max(known?.deviation ?? 0, a.deviation),
    });
  }
  const list = [...signals.values()];
  if (list.length === 0) return [];
  const earliest = Math.min(...list.map((s) => s.onsetMs));
  const maxDeviation = Math.max(...list.map((s) => s.deviation));
  const { graph, weights } = options;
  const depths = graph
    ? callDepths(
        list.map((s) => s.component),
        graph,
      )
    : undefined;
  const maxDepth = depths ? Math.max(0, ...depths.values()) : 0;
  const horizon = Math.max(1, options.onsetHorizonMs);
  const totalWeight = weights.onset + weights.deviation + (depths ? weights.upstream : 0);

  const ranked = list.map((s): RankedComponent => {
    const onsetScore = 1 - Math.min(1, (s.onsetMs - earliest) / horizon);
    const deviationScore = maxDeviation > 0 ? Math.log1p(s.deviation) / Math.log1p(maxDeviation) : 0;
    const depth = depths?.get(s.component) ?? null;
    const upstreamScore = depth !== null && maxDepth > 0 ? depth / maxDepth : 0;
    const weighted =
      weights.onset * onsetScore +
      weights.deviation * deviationScore +
      (depths ? weights.upstream * upstreamScore : 0);
    return {
      component: s.component,
      score: totalWeight > 0 ? weighted / totalWeight : 0,
      onsetMs: s.onsetMs,
      deviation: s.deviation,
      upstreamDepth: depth,
    };
  });
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      a.onsetMs - b.onsetMs ||
      b.deviation - a.deviation ||
      (a.component < b.component ? -1 : a.component > b.component ? 1 : 0),
  );
}
