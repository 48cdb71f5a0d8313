import { describe, expect, it } from 'vitest';
import { createDependencyGraph } from '../../src/reasoning/dependency-graph.js';
import {
  deserializeIncidentBook,
  type IncidentBook,
  incidentId,
  serializeIncidentBook,
  summarizeIncident,
} from '../../src/reasoning/incident.js';
import {
  closeExpired,
  type GroupingOptions,
  groupAnomaly,
  mergeSimilar,
} from '../../src/reasoning/incident-grouping.js';
import {
  type AnomalySpec,
  CHECKOUT_INCIDENT,
  context,
  groupingOptions,
  MINUTE,
  POOL_MEMORY,
  T0,
} from './fixtures.js';

function feed(specs: readonly AnomalySpec[], options: GroupingOptions, key = 'shop', start?: IncidentBook) {
  let book = start;
  const results = [];
  for (const spec of specs) {
    const result = groupAnomaly(book, context(spec, key), options);
    book = result.book;
    results.push(result);
  }
  return { book: book!, results };
}

describe('incident grouping', () => {
  it('groups a multi-series incident into ONE incident with revisions 1..3', () => {
    const { book, results } = feed(CHECKOUT_INCIDENT, groupingOptions());
    expect(results.map((r) => r.kind)).toEqual(['opened', 'joined', 'joined']);
    expect(results.map((r) => r.incident.revision)).toEqual([1, 2, 3]);
    expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
    expect(book.incidents).toHaveLength(1);
    const summary = summarizeIncident(book.incidents[0]!);
    expect(summary).toMatchObject({
      id: incidentId('shop', 'a-db-conn'),
      correlationKey: 'shop',
      openedAtMs: T0,
      lastAnomalyAtMs: T0 + 2 * MINUTE,
      anomalyIds: ['a-db-conn', 'a-co-lat', 'a-co-err'],
      components: ['db', 'checkout'],
      severity: 'high',
    });
    expect(summary.id).toMatch(/^inc-[0-9a-f]{16}$/);
  });

  it('derives the incident id from correlation key and first anomaly id only', () => {
    expect(incidentId('shop', 'a1')).toBe(incidentId('shop', 'a1'));
    expect(incidentId('shop', 'a1')).not.toBe(incidentId('shop', 'a2'));
    expect(incidentId('shop', 'a1')).not.toBe(incidentId('shop2', 'a1'));
  });

  it('opens a new incident for an anomaly beyond the window and closes the idle one', () => {
    const options = groupingOptions();
    const late: AnomalySpec = {
      ...CHECKOUT_INCIDENT[1]!,
      id: 'a-late',
      at: T0 + 2 * MINUTE + 10 * MINUTE + 1,
    };
    const { book, results } = feed([...CHECKOUT_INCIDENT, late], options);
    const last = results.at(-1)!;
    expect(last.kind).toBe('opened');
    expect(last.incident.revision).toBe(1);
    expect(last.incident.id).not.toBe(results[0]!.incident.id);
    expect(last.closed.map((i) => i.id)).toEqual([results[0]!.incident.id]);
    expect(book.incidents.map((i) => i.id)).toEqual([last.incident.id]);
  });

  it('still joins at exactly the window edge', () => {
    const edge: AnomalySpec = { ...CHECKOUT_INCIDENT[1]!, id: 'a-edge', at: T0 + 2 * MINUTE + 10 * MINUTE };
    const { results } = feed([...CHECKOUT_INCIDENT, edge], groupingOptions());
    expect(results.at(-1)!.kind).toBe('joined');
    expect(results.at(-1)!.incident.revision).toBe(4);
  });

  it('keeps different correlation keys apart (separate state, separate ids)', () => {
    const a = groupAnomaly(undefined, context(CHECKOUT_INCIDENT[0]!, 'shop'), groupingOptions());
    const b = groupAnomaly(undefined, context(CHECKOUT_INCIDENT[1]!, 'billing'), groupingOptions());
    expect(a.kind).toBe('opened');
    expect(b.kind).toBe('opened');
    expect(a.incident.id).not.toBe(b.incident.id);
  });

  it('ignores a re-delivered anomaly (no revision bump)', () => {
    const { book } = feed(CHECKOUT_INCIDENT.slice(0, 2), groupingOptions());
    const again = groupAnomaly(book, context(CHECKOUT_INCIDENT[1]!), groupingOptions());
    expect(again.kind).toBe('duplicate');
    expect(again.incident.revision).toBe(2);
    expect(again.book.incidents[0]!.anomalies).toHaveLength(2);
  });

  describe('without grouping by correlation key', () => {
    const unrelated: AnomalySpec = {
      id: 'a-search',
      service: 'search',
      metric: 'latency_p99_ms',
      at: T0 + MINUTE,
      value: 900,
      median: 100,
      mad: 10,
    };

    it('separates unrelated services of one key', () => {
      const { book, results } = feed(
        [CHECKOUT_INCIDENT[1]!, unrelated],
        groupingOptions({ groupByCorrelationKey: false }),
      );
      expect(results.map((r) => r.kind)).toEqual(['opened', 'opened']);
      expect(book.incidents).toHaveLength(2);
    });

    it('relates anomalies through a shared label value', () => {
      const sameHost = { ...unrelated, labels: { host: 'checkout-1' } };
      const { results } = feed(
        [CHECKOUT_INCIDENT[1]!, sameHost],
        groupingOptions({ groupByCorrelationKey: false }),
      );
      expect(results.map((r) => r.kind)).toEqual(['opened', 'joined']);
    });

    it('relates services linked in the dependency graph, within the configured hops', () => {
      const graph = createDependencyGraph({ checkout: ['payments'], payments: ['db'] });
      const specs = [CHECKOUT_INCIDENT[1]!, CHECKOUT_INCIDENT[0]!];
      const oneHop = feed(specs, groupingOptions({ groupByCorrelationKey: false, graph, graphLinkHops: 1 }));
      expect(oneHop.results.map((r) => r.kind)).toEqual(['opened', 'opened']);
      const twoHops = feed(specs, groupingOptions({ groupByCorrelationKey: false, graph, graphLinkHops: 2 }));
      expect(twoHops.results.map((r) => r.kind)).toEqual(['opened', 'joined']);
    });
  });

  it('bounds open incidents per key by closing the least recently active one', () => {
    const options = groupingOptions({ groupByCorrelationKey: false, maxOpenIncidentsPerKey: 2 });
    const specs = ['s1', 's2', 's3'].map((service, i) => ({
      id: `a-${service}`,
      service,
      metric: 'cpu',
      at: T0 + i * 1000,
      value: 99,
      median: 40,
      mad: 5,
    }));
    const { book, results } = feed(specs, options);
    expect(book.incidents.map((i) => i.anomalies[0]!.component)).toEqual(['s2', 's3']);
    expect(results[2]!.closed.map((i) => i.anomalies[0]!.component)).toEqual(['s1']);
  });

  it('bounds members per incident but still counts revisions', () => {
    const options = groupingOptions({ maxAnomaliesPerIncident: 2 });
    const { book } = feed(CHECKOUT_INCIDENT, options);
    expect(book.incidents[0]!.anomalies).toHaveLength(2);
    expect(book.incidents[0]!.overflowAnomalyCount).toBe(1);
    expect(book.incidents[0]!.revision).toBe(3);
  });

  it('closeExpired drops the key when every incident is idle past the window', () => {
    const { book } = feed(CHECKOUT_INCIDENT, groupingOptions());
    expect(closeExpired(book, T0 + 12 * MINUTE, 10 * MINUTE).book).toBeDefined();
    const gone = closeExpired(book, T0 + 12 * MINUTE + 1, 10 * MINUTE);
    expect(gone.book).toBeUndefined();
    expect(gone.closed).toHaveLength(1);
  });

  it('merges similar incidents: unique, best first, bounded', () => {
    const s = (id: string, similarity: number) => ({ ...POOL_MEMORY, id, similarity });
    expect(
      mergeSimilar([s('a', 0.5), s('b', 0.9)], [s('a', 0.7), s('c', 0.6), s('d', 0.1)], 3).map((x) => [
        x.id,
        x.similarity,
      ]),
    ).toEqual([
      ['b', 0.9],
      ['a', 0.7],
      ['c', 0.6],
    ]);
  });

  it('round-trips the state through its compact changelog form', () => {
    const options = groupingOptions();
    let book: IncidentBook | undefined;
    for (const spec of CHECKOUT_INCIDENT)
      book = groupAnomaly(book, context(spec, 'shop', [POOL_MEMORY]), options).book;
    const bytes = serializeIncidentBook(book!);
    expect(deserializeIncidentBook(bytes)).toEqual(book);
    expect(bytes.length).toBeLessThan(JSON.stringify(book).length);
    expect(() => deserializeIncidentBook(Buffer.from('{"v":2}'))).toThrow();
  });
});
