import { z } from 'zod';
import { configErrorFrom } from '../config/zod-issues.js';
import { ConfigError } from '../errors.js';
import { readYamlFile } from './yaml-file.js';

/**
 * A service call graph. An edge `caller → callee` means the caller sends requests to the callee, so a
 * fault in the callee shows up in the caller too (latency, errors): the callee is *deeper* in the call
 * chain and, among anomalous components, the more likely root cause. This is the orientation of the
 * PetShop dataset's `graph.csv` (row = caller, column = callee, e.g. `PetSite → PetSearch`).
 */
export interface DependencyGraph {
  /** Callees of each component. */
  readonly callees: ReadonlyMap<string, readonly string[]>;
  /** Callers of each component (the reverse edges). */
  readonly callers: ReadonlyMap<string, readonly string[]>;
  /** Every component named in the graph. */
  readonly components: ReadonlySet<string>;
}

const componentName = z
  .string({ error: 'component names are strings' })
  .min(1, 'component names must not be empty');

const graphFileSchema = z
  .object({
    calls: z.record(componentName, z.array(componentName, { error: 'list the callees as an array' }), {
      error: 'calls must map each caller to the list of components it calls',
    }),
  })
  .strict();

/** The graph file as written: `calls: { <caller>: [<callee>, …] }`. */
export type DependencyGraphInput = z.input<typeof graphFileSchema>;

/** Builds a graph from caller → callees lists (duplicates removed, order kept). */
export function createDependencyGraph(calls: Readonly<Record<string, readonly string[]>>): DependencyGraph {
  const callees = new Map<string, string[]>();
  const callers = new Map<string, string[]>();
  const components = new Set<string>();
  const add = (map: Map<string, string[]>, key: string, value: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    map.set(key, list);
  };
  for (const [caller, list] of Object.entries(calls)) {
    components.add(caller);
    for (const callee of list) {
      components.add(callee);
      add(callees, caller, callee);
      add(callers, callee, caller);
    }
  }
  return { callees, callers, components };
}

/**
 * Validates a dependency graph document. Throws a ConfigError naming each bad entry (prefixed
 * `dependencyGraph.`) and `source`. Self-calls are rejected; cycles are allowed.
 */
export function parseDependencyGraph(raw: unknown, source: string): DependencyGraph {
  const parsed = graphFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'dependencyGraph');
  for (const [caller, list] of Object.entries(parsed.data.calls)) {
    if (list.includes(caller)) {
      throw new ConfigError(
        `invalid configuration in ${source}:\n  - dependencyGraph.calls.${caller}: a component cannot call itself`,
      );
    }
  }
  return createDependencyGraph(parsed.data.calls);
}

/** Reads and validates a dependency graph file (YAML or JSON). */
export function loadDependencyGraphFile(path: string): DependencyGraph {
  return parseDependencyGraph(
    readYamlFile(path, 'dependency graph file', 'reason.dependencyGraphFile'),
    path,
  );
}

/**
 * Number of call hops from `from` down to `to` following caller → callee edges (breadth-first), or null
 * when `to` cannot be reached within `maxHops`. `callDistance(g, a, a)` is 0.
 */
export function callDistance(
  graph: DependencyGraph,
  from: string,
  to: string,
  maxHops = Number.POSITIVE_INFINITY,
): number | null {
  return bfs(graph, from, to, maxHops, (c) => graph.callees.get(c) ?? []);
}

/** True when `a` and `b` are connected by at most `hops` edges in either direction. */
export function linkedWithin(graph: DependencyGraph, a: string, b: string, hops: number): boolean {
  if (a === b) return true;
  const neighbours = (c: string) => [...(graph.callees.get(c) ?? []), ...(graph.callers.get(c) ?? [])];
  return bfs(graph, a, b, hops, neighbours) !== null;
}

function bfs(
  graph: DependencyGraph,
  from: string,
  to: string,
  maxHops: number,
  next: (component: string) => readonly string[],
): number | null {
  if (from === to) return 0;
  if (!graph.components.has(from) || !graph.components.has(to)) return null;
  const seen = new Set([from]);
  let frontier = [from];
  for (let hops = 1; hops <= maxHops && frontier.length > 0; hops++) {
    const following: string[] = [];
    for (const component of frontier) {
      for (const neighbour of next(component)) {
        if (neighbour === to) return hops;
        if (!seen.has(neighbour)) {
          seen.add(neighbour);
          following.push(neighbour);
        }
      }
    }
    frontier = following;
  }
  return null;
}
