import type avro from 'avsc';
import type { MetricPoint } from '../model/metric-point.js';
import {
  avroReadError,
  CodecError,
  type MetricDecodeError,
  type MetricErrorClass,
  metricDecodeError,
} from './codec-errors.js';
import { CONFLUENT_MAGIC_BYTE, readConfluentFrame } from './confluent-wire.js';
import type { SchemaRegistryPort } from './registry.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { readSingleObjectFrame } from './single-object.js';
import { type MetricLimits, resolveMetricLimits, validateMetricPoint } from './validate-metric-point.js';

/** How a metric record was framed on the wire. */
export type MetricEncoding = 'confluent' | 'single-object' | 'json';

/** Outcome of decoding one `metrics` record value. Failures are data (dead-letter them), never exceptions. */
export type DecodeResult =
  | { ok: true; point: MetricPoint; encoding: MetricEncoding }
  | { ok: false; error: { errorClass: MetricErrorClass; code: string; message: string } };

/** Options of {@link createMetricDecoder}. */
export interface MetricDecoderOptions {
  readonly catalog: SchemaCatalog;
  /** Needed for Confluent-framed records; without it they fail with `registry-not-configured`. */
  readonly registry?: SchemaRegistryPort;
  /** Overrides of {@link DEFAULT_METRIC_LIMITS}; validated eagerly (throws `ConfigError`). */
  readonly limits?: Partial<MetricLimits>;
}

/** Decodes `metrics` record values in any accepted encoding. */
export interface MetricDecoder {
  /**
   * Decodes and validates one record value. Resolves `{ ok: false }` for every poison record; rejects only
   * with a retriable `VigilError` (`VIGIL_ERR_REGISTRY_UNAVAILABLE`) when the registry cannot be reached, or
   * a non-retriable `VIGIL_ERR_REGISTRY_*` error when the registry is misconfigured — neither is the record's
   * fault, so neither is a dead letter.
   */
  decode(value: Buffer | null): Promise<DecodeResult>;
}

const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function failed(error: MetricDecodeError): DecodeResult {
  return { ok: false, error: { errorClass: error.errorClass, code: error.code, message: error.message } };
}

function byteName(byte: number): string {
  const hex = `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
  return byte >= 0x20 && byte < 0x7f ? `${hex} (${JSON.stringify(String.fromCharCode(byte))})` : hex;
}

/**
 * Creates a decoder for `metrics` values. The encoding is chosen per record by its first bytes:
 * `0x00` → Confluent wire format (schema id → registry), `0xC3 0x01` → Avro single-object (fingerprint →
 * catalog), `{` after optional JSON whitespace → JSON; anything else → `wrong-magic-byte`.
 *
 * Avro writer schemas other than the catalog's `vigil.MetricPoint` are read through avsc schema resolution
 * (so compatible evolutions decode); unresolvable ones → `incompatible-schema`. JSON accepts
 * `{"series","timestampMs","value","labels"}` and `timestamp` (ISO-8601 with offset, or epoch ms) as an alias
 * of `timestampMs`; see `validateMetricPoint` for every rule.
 *
 * @example
 * const decoder = createMetricDecoder({ catalog: loadSchemaCatalog() });
 * const result = await decoder.decode(Buffer.from('{"series":"cpu","timestampMs":1700000000000,"value":0.5}'));
 */
export function createMetricDecoder(options: MetricDecoderOptions): MetricDecoder {
  const { catalog, registry } = options;
  const limits = resolveMetricLimits(options.limits);
  const reader = catalog.get('MetricPoint');
  // Keyed by writer type identity: the catalog and the registry adapter hand out the same instance per schema.
  const resolvers = new WeakMap<avro.Type, avro.Resolver | null>();

  function readerFor(writer: avro.Type, what: string): avro.Resolver | null {
    if (writer === reader.type) return null;
    let resolver = resolvers.get(writer);
    if (resolver === undefined) {
      if (JSON.stringify(writer.schema()) === reader.canonicalForm) {
        resolvers.set(writer, null);
        return null;
      }
      try {
        resolver = reader.type.createResolver(writer);
      } catch (error) {
        throw new CodecError(
          'incompatible-schema',
          `${what}: writer schema ${writer.name ?? writer.typeName} cannot be read as ${reader.fullName} (${(error as Error).message})`,
          { cause: error },
        );
      }
      resolvers.set(writer, resolver);
    }
    return resolver;
  }

  function readAvro(body: Buffer, writer: avro.Type, what: string): unknown {
    const resolver = readerFor(writer, what);
    try {
      return resolver === null ? reader.type.fromBuffer(body) : reader.type.fromBuffer(body, resolver);
    } catch (error) {
      throw avroReadError(error, what);
    }
  }

  async function decodeConfluent(value: Buffer): Promise<unknown> {
    const { schemaId, body } = readConfluentFrame(value);
    if (registry === undefined) {
      throw new CodecError(
        'registry-not-configured',
        `record is in Confluent wire format (schema id ${schemaId}) but no schema registry is configured`,
      );
    }
    const writer = await registry.getSchemaById(schemaId);
    return readAvro(body, writer, `Confluent schema id ${schemaId}`);
  }

  function decodeSingleObjectRecord(value: Buffer): unknown {
    const { fingerprint, body } = readSingleObjectFrame(value);
    const entry = catalog.byFingerprint(fingerprint);
    const fp = `0x${fingerprint.toString(16).padStart(16, '0')}`;
    if (entry === undefined) {
      throw new CodecError('unknown-fingerprint', `single-object fingerprint ${fp} matches no known schema`);
    }
    return readAvro(body, entry.type, `single-object ${entry.fullName} (${fp})`);
  }

  function decodeJson(value: Buffer): unknown {
    let text: string;
    try {
      text = utf8.decode(value);
    } catch (error) {
      throw new CodecError('malformed-json', 'JSON record is not valid UTF-8', { cause: error });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new CodecError('malformed-json', `invalid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  async function decode(value: Buffer | null): Promise<DecodeResult> {
    if (value === null || value.length === 0) {
      return failed(metricDecodeError('empty-record', 'record value is null or empty'));
    }
    let encoding: MetricEncoding;
    let candidate: unknown;
    try {
      const first = value[0]!;
      if (first === CONFLUENT_MAGIC_BYTE) {
        encoding = 'confluent';
        candidate = await decodeConfluent(value);
      } else if (first === 0xc3 && (value.length === 1 || value[1] === 0x01)) {
        encoding = 'single-object';
        candidate = decodeSingleObjectRecord(value);
      } else {
        let i = 0;
        while (i < value.length && JSON_WHITESPACE.has(value[i]!)) i += 1;
        if (i === value.length) {
          return failed(metricDecodeError('empty-record', 'record value is only whitespace'));
        }
        if (value[i] !== 0x7b) {
          return failed(
            metricDecodeError(
              'wrong-magic-byte',
              `unrecognised first byte ${byteName(value[i]!)}: expected 0x00 (Confluent Avro), 0xC3 0x01 (Avro single-object) or "{" (JSON object)`,
            ),
          );
        }
        encoding = 'json';
        candidate = decodeJson(value);
      }
    } catch (error) {
      if (error instanceof CodecError) return failed(error.toDecodeError());
      throw error;
    }
    const validated = validateMetricPoint(candidate, limits);
    return validated.ok ? { ok: true, point: validated.point, encoding } : failed(validated.error);
  }

  return { decode };
}
