import { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * The `tracing:` settings: OpenTelemetry traces of the stages, exported over OTLP/HTTP. Off by default;
 * when off no tracer provider is created and the stages do no per-record tracing work at all.
 */
export const tracingSettingsSchema = z
  .object({
    /** Export traces (default false). */
    enabled: z.boolean().default(false),
    /**
     * OTLP/HTTP base URL of the collector (as `OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<endpoint>/v1/traces`.
     */
    endpoint: z
      .url({ protocol: /^https?$/, error: 'tracing.endpoint must be an http(s) URL' })
      .default('http://localhost:4318'),
    /** `service.name` of the exported resource. */
    serviceName: z.string().min(1).default('vigil'),
    /**
     * Fraction of new traces sampled, in [0, 1] (default 1). Traces continued from a record's or a request's
     * `traceparent` follow the parent's sampled flag.
     */
    samplingRatio: z.number().min(0).max(1).default(1),
  })
  .strict();

/** Validated `tracing:` settings. */
export type TracingSettings = z.output<typeof tracingSettingsSchema>;

/** Environment variables of the `tracing:` section and the setting each one sets. */
export const TRACING_ENVIRONMENT_VARIABLES: Readonly<Record<string, string>> = Object.freeze({
  VIGIL_TRACING: 'tracing.enabled (true/false; default false)',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'tracing.endpoint (OTLP/HTTP base URL; spans go to <endpoint>/v1/traces)',
  OTEL_SERVICE_NAME: 'tracing.serviceName (default vigil)',
  VIGIL_TRACING_SAMPLING_RATIO: 'tracing.samplingRatio (0..1, new traces only; default 1)',
});

/**
 * The `tracing:` values the environment sets (to be merged over the config file's section). Throws a
 * ConfigError naming the variable when a value cannot be read.
 */
export function tracingFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.VIGIL_TRACING) {
    if (/^(true|1|yes)$/i.test(env.VIGIL_TRACING)) out.enabled = true;
    else if (/^(false|0|no)$/i.test(env.VIGIL_TRACING)) out.enabled = false;
    else {
      throw new ConfigError(
        `environment variable VIGIL_TRACING=${JSON.stringify(env.VIGIL_TRACING)} must be true or false`,
      );
    }
  }
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) out.endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (env.OTEL_SERVICE_NAME) out.serviceName = env.OTEL_SERVICE_NAME;
  if (env.VIGIL_TRACING_SAMPLING_RATIO) {
    const ratio = Number(env.VIGIL_TRACING_SAMPLING_RATIO);
    if (env.VIGIL_TRACING_SAMPLING_RATIO.trim() === '' || !Number.isFinite(ratio)) {
      throw new ConfigError(
        `environment variable VIGIL_TRACING_SAMPLING_RATIO=${JSON.stringify(env.VIGIL_TRACING_SAMPLING_RATIO)} must be a number between 0 and 1`,
      );
    }
    out.samplingRatio = ratio;
  }
  return out;
}

/** The OTLP/HTTP traces URL of a base endpoint: `<endpoint>/v1/traces` (no double slash). */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}
