import type avro from 'avsc';
import { VigilError } from '../errors.js';
import type { MetricPoint } from '../model/metric-point.js';
import { avroReadError, CodecError } from './codec-errors.js';
import { CONFLUENT_MAGIC_BYTE, encodeConfluentFrame, readConfluentFrame } from './confluent-wire.js';
import { type SchemaRegistryPort, topicValueSubject } from './registry.js';
import type { SchemaCatalog, SchemaName, SchemaValueTypes } from './schema-catalog.js';
import { decodeSingleObject, frameSingleObject, hasSingleObjectMagic } from './single-object.js';

/** Code thrown by {@link EventEncoder.encode} when a value does not match its schema. */
export const INVALID_EVENT_ERROR_CODE = 'VIGIL_ERR_CODEC_INVALID_EVENT';

/** Options of {@link createEventEncoder} and {@link createEventDecoder}. */
export interface EventCodecOptions {
  readonly catalog: SchemaCatalog;
  /** With a registry: Confluent wire format. Without: Avro single-object encoding. */
  readonly registry?: SchemaRegistryPort;
}

/** Encodes Vigil's output events (and test inputs) as Avro. */
export interface EventEncoder {
  /**
   * Encodes `value` with schema `schemaName` for `topic`: Confluent wire format when a registry is
   * configured (schema registered under `<topic>-value`, id cached), single-object encoding otherwise.
   * Rejects with a non-retriable `VigilError` (`VIGIL_ERR_CODEC_INVALID_EVENT`, naming the offending fields)
   * when the value does not match the schema, and with the registry's errors (retriable when unavailable).
   */
  encode<N extends SchemaName>(topic: string, schemaName: N, value: SchemaValueTypes[N]): Promise<Buffer>;
}

/** Decodes values written by an {@link EventEncoder} (either framing). */
export interface EventDecoder {
  /**
   * Decodes a Confluent-framed or single-object value into a plain object (records as plain objects, `bytes`
   * as `Buffer`). When the writer's full name is in the catalog, the value is read into the catalog's schema
   * (schema resolution). Rejects with a {@link CodecError} for bad bytes, and with the registry's errors.
   */
  decode(bytes: Buffer): Promise<unknown>;
}

function invalidValueError(entryName: string, type: avro.Type, value: unknown, cause: unknown): VigilError {
  const problems: string[] = [];
  type.isValid(value, {
    errorHook: (path, fieldValue) => {
      if (problems.length < 5) {
        const shown =
          typeof fieldValue === 'number' || typeof fieldValue === 'boolean'
            ? String(fieldValue)
            : typeof fieldValue;
        problems.push(`${path.join('.') || '(root)'} = ${shown}`);
      }
    },
  });
  const detail = problems.length > 0 ? problems.join('; ') : (cause as Error).message;
  return new VigilError(INVALID_EVENT_ERROR_CODE, `value does not match schema ${entryName}: ${detail}`, {
    cause,
  });
}

/**
 * Creates an {@link EventEncoder}.
 *
 * @example
 * const encoder = createEventEncoder({ catalog });
 * const bytes = await encoder.encode('anomalies', 'AnomalyEvent', event); // C3 01 … without a registry
 */
export function createEventEncoder(options: EventCodecOptions): EventEncoder {
  const { catalog, registry } = options;
  return {
    async encode<N extends SchemaName>(
      topic: string,
      schemaName: N,
      value: SchemaValueTypes[N],
    ): Promise<Buffer> {
      const entry = catalog.get(schemaName);
      let body: Buffer;
      try {
        body = entry.type.toBuffer(value);
      } catch (error) {
        throw invalidValueError(entry.fullName, entry.type, value, error);
      }
      if (registry === undefined) {
        return frameSingleObject(entry, body);
      }
      const id = await registry.register(topicValueSubject(topic), entry);
      return encodeConfluentFrame(id, body);
    },
  };
}

/** Deep copy that turns avsc record instances into plain objects and keeps Buffers. */
function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toPlain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
}

/**
 * Creates an {@link EventDecoder}.
 *
 * @example
 * const decoder = createEventDecoder({ catalog });
 * const event = (await decoder.decode(bytes)) as AnomalyEvent;
 */
export function createEventDecoder(options: EventCodecOptions): EventDecoder {
  const { catalog, registry } = options;
  const resolvers = new WeakMap<avro.Type, { reader: avro.Type; resolver: avro.Resolver | null }>();

  function readerFor(writer: avro.Type, what: string): { reader: avro.Type; resolver: avro.Resolver | null } {
    let cached = resolvers.get(writer);
    if (cached === undefined) {
      const entry = writer.name === undefined ? undefined : catalog.byFullName(writer.name);
      if (entry === undefined || JSON.stringify(writer.schema()) === entry.canonicalForm) {
        cached = { reader: entry?.type ?? writer, resolver: null };
      } else {
        try {
          cached = { reader: entry.type, resolver: entry.type.createResolver(writer) };
        } catch (error) {
          throw new CodecError(
            'incompatible-schema',
            `${what}: writer schema cannot be read as ${entry.fullName} (${(error as Error).message})`,
            { cause: error },
          );
        }
      }
      resolvers.set(writer, cached);
    }
    return cached;
  }

  return {
    async decode(bytes: Buffer): Promise<unknown> {
      if (bytes.length > 0 && bytes[0] === CONFLUENT_MAGIC_BYTE) {
        const { schemaId, body } = readConfluentFrame(bytes);
        if (registry === undefined) {
          throw new CodecError(
            'registry-not-configured',
            `value is in Confluent wire format (schema id ${schemaId}) but no schema registry is configured`,
          );
        }
        const writer = await registry.getSchemaById(schemaId);
        const what = `Confluent schema id ${schemaId}`;
        const { reader, resolver } = readerFor(writer, what);
        try {
          return toPlain(resolver === null ? reader.fromBuffer(body) : reader.fromBuffer(body, resolver));
        } catch (error) {
          throw avroReadError(error, what);
        }
      }
      if (hasSingleObjectMagic(bytes) || (bytes.length === 1 && bytes[0] === 0xc3)) {
        return toPlain(decodeSingleObject(catalog, bytes).value);
      }
      throw new CodecError(
        bytes.length === 0 ? 'empty-record' : 'wrong-magic-byte',
        'event value must start with 00 (Confluent wire format) or C3 01 (Avro single-object encoding)',
      );
    },
  };
}

/**
 * The JSON form of a metric point accepted on the `metrics` topic:
 * `{"series":…,"timestampMs":…,"value":…,"labels":{…}}` as UTF-8. Non-finite values have no JSON form and
 * are rejected with a `RangeError`.
 */
export function encodeMetricPointJson(point: MetricPoint): Buffer {
  if (!Number.isFinite(point.value)) {
    throw new RangeError(`metric value must be finite to be written as JSON, got ${point.value}`);
  }
  return Buffer.from(
    JSON.stringify({
      series: point.series,
      timestampMs: point.timestampMs,
      value: point.value,
      labels: point.labels,
    }),
    'utf8',
  );
}
