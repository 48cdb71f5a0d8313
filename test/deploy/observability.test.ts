import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createStageStats } from '../../src/consumers/stage-stats.js';
import { createVigilMetrics } from '../../src/observability/vigil-metrics.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

/** The API's request metrics (src/api registers them on the same registry) and their labels. */
const API_METRICS: ReadonlyArray<{ name: string; type: 'histogram' | 'counter'; labels: string[] }> = [
  {
    name: 'vigil_api_request_duration_seconds',
    type: 'histogram',
    labels: ['route', 'method', 'status_code'],
  },
  { name: 'vigil_api_requests_total', type: 'counter', labels: ['route', 'method', 'status_code'] },
];
/** Labels Prometheus adds to every scraped series (job, instance, and the compose stack's `service`). */
const TARGET_LABELS = ['job', 'instance', 'service'];

/** Every series name a scrape can show, with its labels: the registry's metrics plus the API's. */
function knownSeries(registry: Registry): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  const add = (name: string, type: string, labels: readonly string[]) => {
    const all = [...labels, ...TARGET_LABELS];
    if (type === 'histogram') {
      series.set(`${name}_bucket`, new Set([...all, 'le']));
      series.set(`${name}_sum`, new Set(all));
      series.set(`${name}_count`, new Set(all));
    } else {
      series.set(name, new Set(all));
    }
  };
  for (const metric of registry.getMetricsAsArray()) {
    const { name, labelNames } = metric as unknown as { name: string; labelNames: string[] };
    add(
      name,
      (metric as unknown as { type: string }).type ?? String(metric.constructor.name).toLowerCase(),
      labelNames,
    );
  }
  for (const m of API_METRICS) add(m.name, m.type, m.labels);
  return series;
}

/** Vigil's registry as a running process builds it (stages, latencies, dependencies). */
function processRegistry(): Registry {
  const metrics = createVigilMetrics();
  metrics.trackStage(createStageStats('detect'));
  return metrics.registry;
}

const metricNamesIn = (expr: string) => [...new Set(expr.match(/\bvigil_[a-z0-9_]+\b/g) ?? [])];
const groupingLabelsIn = (expr: string) =>
  [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  );
const matcherLabelsIn = (expr: string) =>
  [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  );

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const ch of expr.replace(/"[^"]*"/g, '""')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

/** Problems of one PromQL expression against the known series (names and labels). */
function problemsOf(expr: string, series: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  if (!balanced(expr)) problems.push(`unbalanced brackets: ${expr}`);
  const names = metricNamesIn(expr);
  if (names.length === 0) problems.push(`names no Vigil metric: ${expr}`);
  const labels = new Set<string>();
  for (const name of names) {
    const known = series.get(name);
    if (!known) problems.push(`unknown metric ${name}`);
    else for (const l of known) labels.add(l);
  }
  for (const label of [...groupingLabelsIn(expr), ...matcherLabelsIn(expr)]) {
    if (!labels.has(label)) problems.push(`label ${label} is on none of ${names.join(', ')}`);
  }
  return problems;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr: string; refId: string; datasource?: { uid: string } }>;
}

describe('Grafana dashboard deploy/grafana/vigil-dashboard.json', () => {
  const dashboard = JSON.parse(read('deploy/grafana/vigil-dashboard.json')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Panel[];
    templating: { list: Array<{ name: string; query?: unknown; definition?: string }> };
  };
  const series = knownSeries(processRegistry());
  const graphs = dashboard.panels.filter((p) => p.type !== 'row');

  it('is a dashboard: uid, title, schema version, panels with unique ids laid out on the 24-column grid', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(30);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h, p.title).toBeGreaterThan(0);
    }
    expect(graphs.length).toBeGreaterThan(10);
    for (const p of graphs) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets!.map((t) => t.refId)).size, p.title).toBe(p.targets!.length);
      expect(p.datasource?.type, p.title).toBe('prometheus');
    }
  });

  it('has a panel for each thing operators watch', () => {
    const titles = graphs.map((p) => p.title);
    for (const topic of [
      /latency percentiles/i,
      /throughput/i,
      /failure rate/i,
      /lag/i,
      /breaker/i,
      /anomalies per hour/i,
      /time to detection/i,
      /API latency/i,
    ]) {
      expect(
        titles.some((t) => topic.test(t)),
        String(topic),
      ).toBe(true);
    }
  });

  it('queries only metrics and labels Vigil exports', () => {
    const exprs = graphs.flatMap((p) => p.targets!.map((t) => ({ panel: p.title, expr: t.expr })));
    const variables = dashboard.templating.list.map((v) => v.definition).filter((d): d is string => !!d);
    const problems = [
      ...exprs.flatMap(({ panel, expr }) => problemsOf(expr, series).map((m) => `${panel}: ${m}`)),
      ...variables.flatMap((d) => metricNamesIn(d).filter((n) => !series.has(n))),
    ];
    expect(problems).toEqual([]);
    // Every histogram quantile is taken over buckets, by `le`.
    for (const { panel, expr } of exprs.filter((e) => e.expr.includes('histogram_quantile'))) {
      expect(expr, panel).toMatch(/_bucket\b/);
      expect(groupingLabelsIn(expr), panel).toContain('le');
    }
  });
});

describe('Prometheus alert rules deploy/prometheus/alerts.yml', () => {
  const file = parseYaml(read('deploy/prometheus/alerts.yml')) as {
    groups: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
  };
  const series = knownSeries(processRegistry());
  const rules = file.groups.flatMap((g) => g.rules);
  const rule = (name: string) => {
    const found = rules.find((r) => r.alert === name);
    if (!found) throw new Error(`no alert ${name}`);
    return found as { alert: string; expr: string; for: string };
  };

  it('is a Prometheus rule file: groups of alerting rules with expr, for, labels and annotations', () => {
    expect(Object.keys(file)).toEqual(['groups']);
    expect(file.groups.length).toBeGreaterThan(0);
    expect(new Set(file.groups.map((g) => g.name)).size).toBe(file.groups.length);
    for (const group of file.groups) {
      expect(typeof group.name).toBe('string');
      expect(Array.isArray(group.rules) && group.rules.length > 0, group.name).toBe(true);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      const name = String(r.alert);
      for (const key of Object.keys(r)) {
        expect(
          ['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'],
          `${name}.${key}`,
        ).toContain(key);
      }
      expect(name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(typeof r.expr, name).toBe('string');
      expect(String(r.for), name).toMatch(/^\d+(ms|s|m|h|d|w|y)$/);
      const labels = r.labels as Record<string, unknown>;
      expect(['critical', 'warning', 'info'], name).toContain(labels.severity);
      for (const value of Object.values(labels)) expect(typeof value, name).toBe('string');
      const annotations = r.annotations as Record<string, unknown>;
      expect(typeof annotations.summary, name).toBe('string');
      expect(typeof annotations.description, name).toBe('string');
    }
  });

  it('queries only metrics and labels Vigil exports, and templates only labels its expressions keep', () => {
    const problems = rules.flatMap((r) => problemsOf(String(r.expr), series).map((m) => `${r.alert}: ${m}`));
    expect(problems).toEqual([]);
    for (const r of rules) {
      const kept = new Set(groupingLabelsIn(String(r.expr)));
      const text = Object.values(r.annotations as Record<string, string>).join(' ');
      for (const m of text.matchAll(/\$labels\.([a-zA-Z_]+)/g)) expect(kept, `${r.alert}`).toContain(m[1]);
    }
  });

  it('alerts on the conditions of the runbook: failure rate > 5 %, API p95 > 500 ms, breaker open, lag growing, pool exhausted', () => {
    const failure = rule('VigilStageFailureRateHigh').expr;
    expect(metricNamesIn(failure)).toEqual(
      expect.arrayContaining(['vigil_stage_dead_lettered_total', 'vigil_stage_records_in_total']),
    );
    expect(failure).toMatch(/>\s*0\.05\s*$/);
    const api = rule('VigilApiLatencyHigh').expr;
    expect(api).toMatch(/histogram_quantile\(0\.95,.*vigil_api_request_duration_seconds_bucket/);
    expect(api).toMatch(/>\s*0\.5\s*$/);
    expect(rule('VigilCircuitBreakerOpen').expr).toMatch(/vigil_circuit_breaker_state\{state="open"\}/);
    expect(rule('VigilConsumerLagGrowing').expr).toMatch(/deriv\(vigil_stage_consumer_lag_total\[/);
    expect(rule('VigilDatabasePoolExhausted').expr).toMatch(/vigil_db_pool_waiting_requests\) > 0/);
  });
});
