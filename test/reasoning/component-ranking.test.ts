import { describe, expect, it } from 'vitest';
import { DEVIATION_CAP, robustDeviation } from '../../src/reasoning/anomaly-facts.js';
import {
  callDepths,
  DEFAULT_RANKING_WEIGHTS,
  rankComponents,
} from '../../src/reasoning/component-ranking.js';
import {
  callDistance,
  createDependencyGraph,
  parseDependencyGraph,
} from '../../src/reasoning/dependency-graph.js';
import type { IncidentAnomaly } from '../../src/reasoning/incident.js';
import { toIncidentAnomaly } from '../../src/reasoning/incident-grouping.js';
import { CHECKOUT_INCIDENT, context, groupingOptions, T0 } from './fixtures.js';

const members = CHECKOUT_INCIDENT.map((s) => toIncidentAnomaly(context(s), groupingOptions()));
const shopGraph = createDependencyGraph({
  frontend: ['checkout'],
  checkout: ['payments', 'db'],
  payments: ['db'],
});

describe('robust deviation', () => {
  it.each([
    { value: 812, median: 500, mad: 10, std: 14, expected: 312 / 14.826 },
    { value: 188, median: 500, mad: 10, std: 14, expected: 312 / 14.826 },
    { value: 500, median: 500, mad: 10, std: 14, expected: 0 },
    // MAD = 0: falls back to σ
    { value: 103, median: 100, mad: 0, std: 1.5, expected: 2 },
    // MAD = 0 and σ = 0: capped, or 0 on the median
    { value: 101, median: 100, mad: 0, std: 0, expected: DEVIATION_CAP },
    { value: 100, median: 100, mad: 0, std: 0, expected: 0 },
    { value: 1e300, median: 0, mad: 1e-300, std: 0, expected: DEVIATION_CAP },
  ])('|$value − $median| / (1.4826·$mad) (σ $std) = $expected', ({ value, median, mad, std, expected }) => {
    expect(robustDeviation(value, { median, mad, std })).toBeCloseTo(expected, 9);
  });
});

describe('dependency graph', () => {
  it('measures call hops caller → callee, not the other way', () => {
    expect(callDistance(shopGraph, 'frontend', 'db')).toBe(2);
    expect(callDistance(shopGraph, 'db', 'frontend')).toBeNull();
    expect(callDistance(shopGraph, 'frontend', 'db', 1)).toBeNull();
    expect(callDepths(['frontend', 'checkout', 'db'], shopGraph)).toEqual(
      new Map([
        ['frontend', 0],
        ['checkout', 1],
        ['db', 2],
      ]),
    );
  });

  it('rejects invalid graph files naming the entry', () => {
    expect(() => parseDependencyGraph({ calls: { checkout: 'db' } }, 'g.yaml')).toThrow(
      /dependencyGraph\.calls\.checkout/,
    );
    expect(() => parseDependencyGraph({ calls: { db: ['db'] } }, 'g.yaml')).toThrow(
      /dependencyGraph\.calls\.db: a component cannot call itself/,
    );
    expect(() => parseDependencyGraph({ edges: [] }, 'g.yaml')).toThrow(/g\.yaml/);
  });
});

function naiveScore(all: readonly IncidentAnomaly[], component: string, withGraph: boolean): number {
  const w = DEFAULT_RANKING_WEIGHTS;
  const comps = [...new Set(all.map((a) => a.component))];
  const onset = (c: string) => Math.min(...all.filter((a) => a.component === c).map((a) => a.timestampMs));
  const dev = (c: string) => Math.max(...all.filter((a) => a.component === c).map((a) => a.deviation));
  const earliest = Math.min(...comps.map(onset));
  const maxDev = Math.max(...comps.map(dev));
  const o = 1 - Math.min(1, (onset(component) - earliest) / 300_000);
  const d = Math.log1p(dev(component)) / Math.log1p(maxDev);
  if (!withGraph) return (w.onset * o + w.deviation * d) / (w.onset + w.deviation);
  const depths = callDepths(comps, shopGraph);
  const maxDepth = Math.max(...depths.values());
  const u = maxDepth > 0 ? depths.get(component)! / maxDepth : 0;
  return (w.onset * o + w.deviation * d + w.upstream * u) / (w.onset + w.deviation + w.upstream);
}

describe('component ranking', () => {
  it('ranks the callee (db) first when the graph says checkout calls it', () => {
    const ranked = rankComponents(members, {
      weights: DEFAULT_RANKING_WEIGHTS,
      onsetHorizonMs: 300_000,
      graph: shopGraph,
    });
    expect(ranked.map((r) => r.component)).toEqual(['db', 'checkout']);
    expect(ranked[0]).toMatchObject({ component: 'db', onsetMs: T0, upstreamDepth: 1 });
    expect(ranked[1]!.upstreamDepth).toBe(0);
    for (const r of ranked) expect(r.score).toBeCloseTo(naiveScore(members, r.component, true), 12);
  });

  it('without a graph, the larger deviation wins and upstreamDepth is null', () => {
    const ranked = rankComponents(members, { weights: DEFAULT_RANKING_WEIGHTS, onsetHorizonMs: 300_000 });
    expect(ranked.map((r) => r.component)).toEqual(['checkout', 'db']);
    expect(ranked.every((r) => r.upstreamDepth === null)).toBe(true);
    for (const r of ranked) expect(r.score).toBeCloseTo(naiveScore(members, r.component, false), 12);
    expect(ranked[0]!.deviation).toBeCloseTo(2090 / (1.4826 * 45), 9);
  });

  it('weights are configurable: onset only puts the earliest component first', () => {
    const onsetOnly = { onset: 1, deviation: 0, upstream: 0 };
    expect(rankComponents(members, { weights: onsetOnly, onsetHorizonMs: 300_000 })[0]!.component).toBe('db');
    const deviationOnly = { onset: 0, deviation: 1, upstream: 0 };
    expect(
      rankComponents(members, { weights: deviationOnly, onsetHorizonMs: 300_000, graph: shopGraph })[0]!
        .component,
    ).toBe('checkout');
  });

  it('breaks ties deterministically: onset, deviation, then name — whatever the input order', () => {
    const base = members[0]!;
    const tied = ['zeta', 'alpha', 'mid'].map((component) => ({ ...base, id: component, component }));
    const weights = { onset: 1, deviation: 0, upstream: 0 };
    const a = rankComponents(tied, { weights, onsetHorizonMs: 1000 });
    const b = rankComponents([...tied].reverse(), { weights, onsetHorizonMs: 1000 });
    expect(a.map((r) => r.component)).toEqual(['alpha', 'mid', 'zeta']);
    expect(b).toEqual(a);
    const bigger = rankComponents([...tied, { ...base, id: 'x', component: 'zeta', deviation: 99 }], {
      weights,
      onsetHorizonMs: 1000,
    });
    expect(bigger[0]!.component).toBe('zeta');
  });

  it('ranks the injected root cause first on PetShop low_traffic issue_0 (latency, PetSearch)', () => {
    // Excerpt of the PetShop dataset (Hardt et al., CLeaR 2024; Amazon Science, CC BY 4.0): the call graph
    // (graph.csv, row = caller, column = callee) and the nodes whose average latency in the issue window is
    // more than 5 robust deviations from the `noissue` median (median and MAD computed over `noissue`).
    const graph = createDependencyGraph({
      'PetAdoptionStatusUpdater/prod_AWS::ApiGateway::Stage': ['lambdastatusupdater_AWS::Lambda'],
      'PetSearch_AWS::ECS::Fargate': [
        '169.254.170.2_remote',
        'AWSSimpleSystemsManagement_AWS::AWSSimpleSystemsManagement',
        'petInfo_AWS::DynamoDB::Table',
        'S3_AWS::S3',
      ],
      PetSearch_client: ['PetSearch_AWS::ECS::Fargate'],
      PetSite: [
        'PetSearch_AWS::ECS::Fargate',
        'STS_AWS::STS',
        'SimpleNotificationService_AWS::SimpleNotificationService',
        'SimpleSystemsManagement_AWS::SimpleSystemsManagement',
        'StepFunctions_AWS::StepFunctions',
        'payforadoption_AWS::ECS::Container',
        'petlistadoptions_AWS::ECS::Fargate',
        'AWS::StepFunctions::StateMachine',
        'https://sqs.us-west-2.amazonaws.com/Services-sqspetadoption_AWS::SQS::Queue',
        'servi-lista.us-west-2.elb.amazonaws.com_remote',
        'servi-petsi.us-west-2.elb.amazonaws.com_remote',
        'servi-searc.us-west-2.elb.amazonaws.com_remote',
      ],
      'StepFnStateMachine76D362E8-T67Tg48ke8oK_client': ['AWS::StepFunctions::StateMachine'],
      lambda_step_priceGreaterThan55: ['Evidently_AWS::Evidently'],
      'lambda_step_priceGreaterThan55_AWS::Lambda': ['lambda_step_priceGreaterThan55_AWS::Lambda::Function'],
      'lambda_step_priceGreaterThan55_AWS::Lambda::Function': ['lambda_step_priceGreaterThan55'],
      lambda_step_priceLessThan55: ['Evidently_AWS::Evidently'],
      'lambda_step_priceLessThan55_AWS::Lambda': ['lambda_step_priceLessThan55_AWS::Lambda::Function'],
      'lambda_step_priceLessThan55_AWS::Lambda::Function': ['lambda_step_priceLessThan55'],
      lambda_step_readDDB: ['DynamoDB_AWS::DynamoDB', 'SSM_AWS::SSM'],
      'lambda_step_readDDB_AWS::Lambda': ['lambda_step_readDDB_AWS::Lambda::Function'],
      'lambda_step_readDDB_AWS::Lambda::Function': ['lambda_step_readDDB'],
      'lambdastatusupdater_AWS::Lambda': ['lambdastatusupdater_AWS::Lambda::Function'],
      'lambdastatusupdater_AWS::Lambda::Function': [
        'petInfo_AWS::DynamoDB::Table',
        'invalid_AWS::DynamoDB::Table',
      ],
      'payforadoption_AWS::ECS::Container': [
        'PetAdoptionStatusUpdater/prod_AWS::ApiGateway::Stage',
        'amazon.com_remote',
        'www.amazon.com_remote',
        'adoptions@services-database.us-west-2.rds.amazonaws.com_Database::SQL',
        'execute-api.us-west-2.amazonaws.com_remote',
      ],
      'petlistadoptions_AWS::ECS::Fargate': [
        'PGSQL Query_remote',
        'PetSearch_AWS::ECS::Fargate',
        'Servi-searc.us-west-2.elb.amazonaws.com_remote',
      ],
      petlistadoptions_client: ['petlistadoptions_AWS::ECS::Fargate'],
      'AWS::StepFunctions::StateMachine': [
        'lambda_step_priceGreaterThan55_AWS::Lambda',
        'lambda_step_priceLessThan55_AWS::Lambda',
        'lambda_step_readDDB_AWS::Lambda',
      ],
    });
    // [unix s, node, value, noissue median, noissue MAD]
    const rows: [number, string, number, number, number][] = [
      [1681855920, 'PetSearch_AWS::ECS::Fargate', 0.0377189775334283, 0.0063630492999034, 0.0003359957563252],
      [1681856220, 'PetSearch_AWS::ECS::Fargate', 0.0299289326624454, 0.0063630492999034, 0.0003359957563252],
      [1681855920, 'PetSite', 0.1458435042114211, 0.0945512815684185, 0.0032735565845132],
      [1681856220, 'PetSite', 0.1262913882846952, 0.0945512815684185, 0.0032735565845132],
      [
        1681855920,
        'adoptions@services-database.us-west-2.rds.amazonaws.com_Database::SQL',
        0.0055985059048214,
        0.00394970831127,
        0.0001995700628587,
      ],
      [
        1681856220,
        'adoptions@services-database.us-west-2.rds.amazonaws.com_Database::SQL',
        0.007620493568913,
        0.00394970831127,
        0.0001995700628587,
      ],
      [1681856220, 'lambda_step_priceGreaterThan55_AWS::Lambda', 4.053124985, 3.568500035, 0.015833335],
      [1681855920, 'petInfo_AWS::DynamoDB::Table', 0.024935233351227, 0.0133740987181417, 0.0011141933897546],
      [
        1681856220,
        'petlistadoptions_client',
        0.00005692839622497559,
        0.00004554390907287598,
        8.583068847656236e-7,
      ],
      [
        1681855920,
        'servi-searc.us-west-2.elb.amazonaws.com_remote',
        0.0553385711341343,
        0.01427365200575,
        0.0020172266485544,
      ],
      [
        1681856220,
        'servi-searc.us-west-2.elb.amazonaws.com_remote',
        0.126932074417109,
        0.01427365200575,
        0.0020172266485544,
      ],
    ];
    const anomalies: IncidentAnomaly[] = rows.map(([t, node, value, median, mad], i) => ({
      id: `p${i}`,
      series: `${node}.latency`,
      component: node,
      metric: 'latency',
      timestampMs: t * 1000,
      value,
      direction: 'up',
      severity: 'high',
      score: 0.9,
      median,
      deviation: robustDeviation(value, { median, mad, std: 0 }),
      labels: {},
    }));
    const ranked = rankComponents(anomalies, {
      weights: DEFAULT_RANKING_WEIGHTS,
      onsetHorizonMs: 300_000,
      graph,
    });
    expect(ranked[0]!.component).toBe('PetSearch_AWS::ECS::Fargate');
    // the symptom node, which calls everything, ranks low
    expect(ranked.findIndex((r) => r.component === 'PetSite')).toBeGreaterThan(2);
  });
});
