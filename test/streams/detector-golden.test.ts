/**
 * Golden outputs of the series detector: SHA-256 of every field of every evaluation (IEEE-754 bits), of the
 * `updateScore` results and of periodic snapshots, over seeded synthetic streams (≈ 230,000 points of
 * several shapes and configurations). The expected digests were recorded at commit 3dba7c8, before the
 * detector's hot path was optimised; any change to a score, decision, statistic or snapshot bit fails here.
 * (Digests assume a little-endian host, as every supported platform is.)
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../src/streams/detector-config.js';
import { createSeriesDetector } from '../../src/streams/series-detector.js';
import { deserializeSeriesState, serializeSeriesState } from '../../src/streams/series-state.js';
import {
  GoldenHasher,
  type GoldenPoint,
  jitteredHeavyTails,
  noiseWithIncidents,
  seasonal,
  tiesAndRuns,
  walkAndMagnitudes,
} from './golden-streams.js';

const D = DEFAULT_DETECTOR_CONFIG;

const configs = {
  default: D,
  timeWindow: {
    ...D,
    window: { kind: 'time', durationMs: 3_600_000, maxSize: 256 },
  },
  noNoveltyQuorum1: {
    ...D,
    window: { kind: 'count', size: 64 },
    warmupPoints: 10,
    robustZ: { enabled: false, threshold: 3.5 },
    combine: { threshold: 0.5, quorum: 1 },
    novelty: { ...D.novelty, enabled: false },
  },
  largeWindow: { ...D, window: { kind: 'count', size: 500 } },
  shortLearning: {
    ...D,
    window: { kind: 'count', size: 30 },
    warmupPoints: 5,
    novelty: { ...D.novelty, learningPoints: 50, seasonalBins: 7, seasonalPeriodMs: 3_600_000 },
  },
  tinyQuorum3: {
    ...D,
    window: { kind: 'count', size: 2 },
    warmupPoints: 0,
    combine: { threshold: 0.5, quorum: 3 },
  },
} satisfies Record<string, DetectorConfig>;

interface Scenario {
  readonly name: string;
  readonly config: DetectorConfig;
  /** One stream per series; several streams are interleaved round-robin, one detector each. */
  readonly streams: readonly GoldenPoint[][];
  readonly expected: { readonly update: string; readonly score: string };
}

const scenarios: Scenario[] = [
  {
    name: 'noise with spikes, dips and a level shift (default config)',
    config: configs.default,
    streams: [noiseWithIncidents(40_000, 1)],
    expected: {
      update: '28cd9a5316cd55ef98a9fb12be86aaa0e55ce8331cccc20919596c810fbaf0a1',
      score: 'fe3f4965ad9f31a461c988a5f902ab4ec4139f313c760bc6c01f140400343170',
    },
  },
  {
    name: 'daily seasonality with flat stretches (default config)',
    config: configs.default,
    streams: [seasonal(40_000, 2)],
    expected: {
      update: 'aaec7242434090e14b778da36ace3910c7840cf8453da659fcd79bb8f539c533',
      score: 'e21b51a064a36b1be94225bb7913670fcd098ab1743298fbbbce42a78516ef3f',
    },
  },
  {
    name: 'ties and constant runs (default config)',
    config: configs.default,
    streams: [tiesAndRuns(30_000, 3)],
    expected: {
      update: 'fb224942636fd02a0c5da7955b22539e51b5d702887565e7b2d0aae24cb6f214',
      score: '73d8e1ea1d0f7ae6b1ff0b05f6fc16415fc1e175d86de6411c16532d90f94457',
    },
  },
  {
    name: 'random walk, subnormals, −0 and ±1e300 (short learning, 7 bins)',
    config: configs.shortLearning,
    streams: [walkAndMagnitudes(16_000, 4)],
    expected: {
      update: '154aca715311c695988d1bb105104cfd3e18e515ecc30bf5e371862f4a5aa962',
      score: 'b1ce9ae56aa73732e13082386fb3a1c4087b02ba77c865c1ee7f8be1e4a5e542',
    },
  },
  {
    name: 'late and out-of-order points, heavy tails (time window)',
    config: configs.timeWindow,
    streams: [jitteredHeavyTails(30_000, 5)],
    expected: {
      update: '21fa3593ad175801db59ce0cf669cfc91288c79eeaf63712f2adfc69696f5a4e',
      score: '6b2c2b152f66ca6f95cc55edbfb652d547b01d59778548b2f72e7fab9b933618',
    },
  },
  {
    name: 'novelty off, quorum 1, robust z off, window 64',
    config: configs.noNoveltyQuorum1,
    streams: [noiseWithIncidents(20_000, 6)],
    expected: {
      update: '6ec461c6a3049e6d60932260dc146a96c6fb6219adc92bda7a8a52f1d5690260',
      score: '2680233bf679ab9c6430afab8cfe89e6e481ff50b142a86d3980bcb335b53d02',
    },
  },
  {
    name: 'window 500 (multi-level tree), heavy tails',
    config: configs.largeWindow,
    streams: [jitteredHeavyTails(20_000, 7)],
    expected: {
      update: 'cad8739cc731e5c4fb66567c7c1bd038376f373feb57fbbc6a39ad103b939d0b',
      score: 'b4e501771900763cdbc198fb3e66128dabdaed11a456ed5ff3c04126a6090ea7',
    },
  },
  {
    name: 'window 2, quorum 3, ties',
    config: configs.tinyQuorum3,
    streams: [tiesAndRuns(5_000, 8)],
    expected: {
      update: '323f7cc38d4130879fcfcf00527b4075c10ab79bb558e1bf02260a5ed36c4e24',
      score: 'fdc1d80bd39372c800a40f41c2472fbdceab8701ec4640f6f8bafcaa806cadea',
    },
  },
  {
    name: 'three interleaved series (default config)',
    config: configs.default,
    streams: [noiseWithIncidents(10_000, 9), seasonal(10_000, 10), tiesAndRuns(10_000, 11)],
    expected: {
      update: '5c2e985b2cd5978d37e558d77d73091d88f15157dbd1c89d00234d3339653cd0',
      score: '28d2fa102c4fcf66775ef752d95be426325aa827199ab1dc60b21c6a75e4b185',
    },
  },
];

/** Runs a scenario through `update` (hashing evaluations and a snapshot every 5,000 points) and `updateScore`. */
function run(s: Scenario): { update: string; score: string } {
  const full = createSeriesDetector.bind(null, s.config);
  const viaUpdate = s.streams.map(() => full());
  const viaScore = s.streams.map(() => full());
  const u = new GoldenHasher();
  const sc = new GoldenHasher();
  const length = Math.max(...s.streams.map((x) => x.length));
  for (let i = 0; i < length; i++) {
    for (let k = 0; k < s.streams.length; k++) {
      const p = s.streams[k]?.[i];
      if (p === undefined) continue;
      u.evaluation(viaUpdate[k]!.update(p.t, p.v));
      sc.num(viaScore[k]!.updateScore(p.t, p.v));
    }
    if (i % 5_000 === 4_999) for (const d of viaUpdate) u.value(d.snapshot());
  }
  for (let k = 0; k < s.streams.length; k++) {
    const snapshot = viaUpdate[k]!.snapshot();
    u.value(snapshot);
    expect(viaScore[k]!.snapshot()).toEqual(snapshot);
  }
  return { update: u.digest(), score: sc.digest() };
}

describe('series detector golden outputs (bit-exact, recorded before the hot-path optimisation)', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      expect(run(s)).toEqual(s.expected);
    });
  }

  it('a detector restored mid-stream continues with the same evaluations (every scenario’s first stream)', () => {
    for (const s of scenarios) {
      const points = s.streams[0]!;
      const half = points.length >> 1;
      const original = createSeriesDetector(s.config);
      for (let i = 0; i < half; i++) original.update(points[i]!.t, points[i]!.v);
      const restored = createSeriesDetector(
        s.config,
        deserializeSeriesState(serializeSeriesState(original.snapshot())),
      );
      const a = new GoldenHasher();
      const b = new GoldenHasher();
      for (let i = half; i < points.length; i++) {
        a.evaluation(original.update(points[i]!.t, points[i]!.v));
        b.evaluation(restored.update(points[i]!.t, points[i]!.v));
      }
      expect(b.digest(), s.name).toBe(a.digest());
    }
  });
});
