import { z } from 'zod';
import { authSettingsSchema } from './security/auth-settings.js';

const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(1, `${what} must be >= 1`);

/** One mebibyte, the default request body limit. */
export const MIB = 1024 * 1024;

/**
 * Settings of the REST API, mounted under `api:` in the app config. Every key has a default.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `port` | 8080 (`PORT`) | TCP port of the API |
 * | `host` | `127.0.0.1` (`VIGIL_API_HOST`) | interface to listen on (`0.0.0.0` in a container) |
 * | `bodyLimitBytes` | 1 MiB | largest request body; bigger bodies get 413 |
 * | `maxPointsPerRequest` | 10000 | most points in one `POST /api/v1/metrics` or `/api/v1/analyze` |
 * | `readinessTimeoutMs` | 2000 | budget of each readiness check |
 * | `seriesRead.maxRangeMs` | 86400000 (24 h) | widest `to − from` of `GET /api/v1/series/points` |
 * | `seriesRead.maxRecordsScanned` | 200000 | records of the series' partition read at most per request |
 * | `seriesRead.maxPoints` | 10000 | points returned at most per request |
 * | `auth` | on, no JWT | API keys, JWT, rate limit (`src/api/security/auth-settings.ts`, docs/security.md) |
 */
export const apiSettingsSchema = z
  .object({
    port: z
      .number({ error: 'port must be a number' })
      .int('port must be an integer')
      .min(0, 'port must be in [0, 65535]')
      .max(65_535, 'port must be in [0, 65535]')
      .default(8080),
    host: z.string().min(1, 'host must not be empty').default('127.0.0.1'),
    bodyLimitBytes: positiveInt('bodyLimitBytes').default(MIB),
    maxPointsPerRequest: positiveInt('maxPointsPerRequest').default(10_000),
    readinessTimeoutMs: positiveInt('readinessTimeoutMs').default(2000),
    seriesRead: z
      .object({
        maxRangeMs: positiveInt('maxRangeMs').default(24 * 3_600_000),
        maxRecordsScanned: positiveInt('maxRecordsScanned').default(200_000),
        maxPoints: positiveInt('maxPoints').default(10_000),
      })
      .strict()
      .prefault({}),
    auth: authSettingsSchema.prefault({}),
  })
  .strict();

/** The validated `api:` section. */
export type ApiSettings = z.output<typeof apiSettingsSchema>;

/** The API settings when nothing is configured (tests, embedding the API elsewhere). */
export const DEFAULT_API_SETTINGS: ApiSettings = (() => {
  const settings = apiSettingsSchema.parse({});
  Object.freeze(settings.seriesRead);
  return Object.freeze(settings);
})();
