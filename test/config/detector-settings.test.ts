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
    expect(detectorConfigId(config)).not.toBe(detectorConfigId(DEFAULT_DETECTOR_CONFIG));
  });

  it.each([
    [{ zscore: { threshold: -1 } }, /detectors\.zscore\.threshold: threshold must be > 0/],
    [{ ewma: { alpha: 2 } }, /detectors\.ewma\.alpha: alpha must be in \(0, 1\]/],
    [{ window: { kind: 'count', size: 0 } }, /detectors\.window\.size: size must be >= 1/],
    [{ window: { kind: 'sliding' } }, /window\.kind must be "count"/],
    [{ combine: { threshold: 1.5 } }, /detectors\.combine\.threshold: threshold must be in \[0, 1\]/],
    [{ zscroe: {} }, /Unrecognized key: "zscroe"/],
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
