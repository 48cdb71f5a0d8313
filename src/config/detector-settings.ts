import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../streams/index.js';
import { configErrorFrom } from './zod-issues.js';

const positive = (what: string) =>
  z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
const unitAlpha = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .gt(0, `${what} must be in (0, 1]`)
    .max(1, `${what} must be in (0, 1]`);
const toggle = z.boolean({ error: 'enabled must be true or false' });

const windowSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('count'),
        size: z.number().int('size must be an integer').min(1, 'size must be >= 1'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('time'),
        durationMs: positive('durationMs'),
        maxSize: z.number().int('maxSize must be an integer').min(1, 'maxSize must be >= 1'),
      })
      .strict(),
  ],
  { error: 'window.kind must be "count" (with size) or "time" (with durationMs and maxSize)' },
);

/** Schema of the detector settings file; every key is optional and falls back to the default. */
const detectorSettingsSchema = z
  .object({
    window: windowSchema.optional(),
    warmupPoints: z
      .number()
      .int('warmupPoints must be an integer')
      .min(0, 'warmupPoints must be >= 0')
      .optional(),
    allowedLatenessMs: z.number().min(0, 'allowedLatenessMs must be >= 0').optional(),
    zscore: z
      .object({ enabled: toggle.optional(), threshold: positive('threshold').optional() })
      .strict()
      .optional(),
    robustZ: z
      .object({ enabled: toggle.optional(), threshold: positive('threshold').optional() })
      .strict()
      .optional(),
    iqr: z
      .object({ enabled: toggle.optional(), k: positive('k').optional() })
      .strict()
      .optional(),
    ewma: z
      .object({
        enabled: toggle.optional(),
        alpha: z.number().gt(0, 'alpha must be in (0, 1]').max(1, 'alpha must be in (0, 1]').optional(),
        threshold: positive('threshold').optional(),
      })
      .strict()
      .optional(),
    combine: z
      .object({
        threshold: z
          .number()
          .min(0, 'threshold must be in [0, 1]')
          .max(1, 'threshold must be in [0, 1]')
          .optional(),
        quorum: z.number().int('quorum must be an integer').min(1, 'quorum must be >= 1').optional(),
      })
      .strict()
      .optional(),
    scaleFloor: z
      .object({ relative: z.number().min(0).optional(), absolute: z.number().min(0).optional() })
      .strict()
      .optional(),
    novelty: z
      .object({
        enabled: toggle.optional(),
        threshold: z
          .number({ error: 'threshold must be a number' })
          .min(0, 'threshold must be in [0, 1]')
          .max(1, 'threshold must be in [0, 1]')
          .optional(),
        learningPoints: z
          .number({ error: 'learningPoints must be a number' })
          .int('learningPoints must be an integer')
          .min(8, 'learningPoints must be >= 8')
          .optional(),
        rangeThreshold: positive('rangeThreshold').optional(),
        longAlpha: unitAlpha('longAlpha').optional(),
        longThreshold: positive('longThreshold').optional(),
        levelAlpha: unitAlpha('levelAlpha').optional(),
        levelThreshold: positive('levelThreshold').optional(),
        seasonalBins: z
          .number({ error: 'seasonalBins must be a number' })
          .int('seasonalBins must be an integer')
          .min(1, 'seasonalBins must be in [1, 32]')
          .max(32, 'seasonalBins must be in [1, 32]')
          .optional(),
        seasonalPeriodMs: positive('seasonalPeriodMs').optional(),
        seasonalAlpha: unitAlpha('seasonalAlpha').optional(),
        seasonalThreshold: positive('seasonalThreshold').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Detector settings as written in a settings file (a partial {@link DetectorConfig}). */
export type DetectorSettingsInput = z.input<typeof detectorSettingsSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates detector settings and merges them over {@link DEFAULT_DETECTOR_CONFIG}. Throws a ConfigError
 * naming each bad setting (prefixed `detectors.`) and `source`.
 */
export function parseDetectorSettings(raw: unknown, source: string): DetectorConfig {
  const parsed = detectorSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'detectors');
  const s = parsed.data;
  const d = DEFAULT_DETECTOR_CONFIG;
  const enabled = [
    s.zscore?.enabled ?? d.zscore.enabled,
    s.robustZ?.enabled ?? d.robustZ.enabled,
    s.iqr?.enabled ?? d.iqr.enabled,
    s.ewma?.enabled ?? d.ewma.enabled,
  ].filter(Boolean).length;
  if (enabled === 0) {
    throw new ConfigError(
      `invalid configuration in ${source}:\n  - detectors: enable at least one of zscore, robustZ, iqr, ewma`,
    );
  }
  return deepFreeze({
    window: s.window ?? { ...d.window },
    warmupPoints: s.warmupPoints ?? d.warmupPoints,
    allowedLatenessMs: s.allowedLatenessMs ?? d.allowedLatenessMs,
    zscore: { ...d.zscore, ...s.zscore },
    robustZ: { ...d.robustZ, ...s.robustZ },
    iqr: { ...d.iqr, ...s.iqr },
    ewma: { ...d.ewma, ...s.ewma },
    combine: { ...d.combine, ...s.combine },
    scaleFloor: { ...d.scaleFloor, ...s.scaleFloor },
    novelty: { ...d.novelty, ...s.novelty },
  } satisfies DetectorConfig);
}

/** Reads and validates a detector settings file (YAML or JSON). */
export function loadDetectorSettingsFile(path: string): DetectorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read detector settings file ${path}: ${(error as Error).message}; check the path (VIGIL_DETECTORS or --detectors)`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `detector settings file ${path} is not valid YAML/JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseDetectorSettings(raw, path);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short stable fingerprint of detector settings (12 hex chars), carried by every anomaly as `configId`. */
export function detectorConfigId(config: DetectorConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}
