import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  detectorConfigId,
  loadDetectorSettingsFile,
  parseDetectorSettings,
} from '../../src/config/detector-settings.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';

describe('detector settings', () => {
  it('the shipped config/detectors.yaml equals the built-in defaults', () => {
    const shipped = loadDetectorSettingsFile(
      fileURLToPath(new URL('../../config/detectors.yaml', import.meta.url)),
    );
    expect(shipped).toEqual(DEFAULT_DETECTOR_CONFIG);
    expect(detectorConfigId(shipped)).toBe(detectorConfigId(DEFAULT_DETECTOR_CONFIG));
  });

  it('merges partial settings over the defaults', () => {
    const config = parseDetectorSettings(
      { zscore: { threshold: 4 }, window: { kind: 'time', durationMs: 60_000, maxSize: 500 } },
      'test',
    );
    expect(config.zscore).toEqual({ enabled: true, threshold: 4 });
    expect(config.window).toEqual({ kind: 'time', durationMs: 60_000, maxSize: 500 });
    expect(config.iqr).toEqual(DEFAULT_DETECTOR_CONFIG.iqr);
    expect(config.novelty).toEqual(DEFAULT_DETECTOR_CONFIG.novelty);
    const tuned = parseDetectorSettings({ novelty: { seasonalBins: 12, enabled: false } }, 'test');
    expect(tuned.novelty).toEqual({ ...DEFAULT_DETECTOR_CONFIG.novelty, seasonalBins: 12, enabled: false });
    expect(detectorConfigId(config)).not.toBe(detectorConfigId(DEFAULT_DETECTOR_CONFIG));
  });

  it.each([
    [{ zscore: { threshold: -1 } }, /detectors\.zscore\.threshold: threshold must be > 0/],
    [{ ewma: { alpha: 2 } }, /detectors\.ewma\.alpha: alpha must be in \(0, 1\]/],
    [{ window: { kind: 'count', size: 0 } }, /detectors\.window\.size: size must be >= 1/],
    [{ window: { kind: 'sliding' } }, /window\.kind must be "count"/],
    [{ combine: { threshold: 1.5 } }, /detectors\.combine\.threshold: threshold must be in \[0, 1\]/],
    [{ zscroe: {} }, /Unrecognized key: "zscroe"/],
    [{ novelty: { threshold: 2 } }, /detectors\.novelty\.threshold: threshold must be in \[0, 1\]/],
    [{ novelty: { enabled: 'yes' } }, /detectors\.novelty\.enabled: enabled must be true or false/],
    [{ novelty: { learningPoints: 3 } }, /detectors\.novelty\.learningPoints: learningPoints must be >= 8/],
    [
      { novelty: { learningPoints: 20.5 } },
      /detectors\.novelty\.learningPoints: learningPoints must be an integer/,
    ],
    [{ novelty: { rangeThreshold: 0 } }, /detectors\.novelty\.rangeThreshold: rangeThreshold must be > 0/],
    [{ novelty: { longAlpha: 0 } }, /detectors\.novelty\.longAlpha: longAlpha must be in \(0, 1\]/],
    [{ novelty: { longThreshold: -1 } }, /detectors\.novelty\.longThreshold: longThreshold must be > 0/],
    [{ novelty: { levelAlpha: 1.5 } }, /detectors\.novelty\.levelAlpha: levelAlpha must be in \(0, 1\]/],
    [
      { novelty: { levelThreshold: 'x' } },
      /detectors\.novelty\.levelThreshold: levelThreshold must be a number/,
    ],
    [
      { novelty: { seasonalBins: 33 } },
      /detectors\.novelty\.seasonalBins: seasonalBins must be in \[1, 32\]/,
    ],
    [
      { novelty: { seasonalPeriodMs: 0 } },
      /detectors\.novelty\.seasonalPeriodMs: seasonalPeriodMs must be > 0/,
    ],
    [
      { novelty: { seasonalAlpha: 0 } },
      /detectors\.novelty\.seasonalAlpha: seasonalAlpha must be in \(0, 1\]/,
    ],
    [
      { novelty: { seasonalThreshold: 0 } },
      /detectors\.novelty\.seasonalThreshold: seasonalThreshold must be > 0/,
    ],
    [{ novelty: { bins: 3 } }, /Unrecognized key: "bins"/],
    [
      {
        zscore: { enabled: false },
        robustZ: { enabled: false },
        iqr: { enabled: false },
        ewma: { enabled: false },
      },
      /enable at least one of zscore, robustZ, iqr, ewma/,
    ],
  ])('rejects %o naming the setting', (raw, message) => {
    expect(() => parseDetectorSettings(raw, 'settings.yaml')).toThrow(message);
  });

  it('reports YAML syntax errors with the file name', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-det-')), 'bad.yaml');
    writeFileSync(path, 'zscore: [unclosed\n');
    expect(() => loadDetectorSettingsFile(path)).toThrow(/bad\.yaml is not valid YAML/);
  });
});
