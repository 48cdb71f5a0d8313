/**
 * Vigil's codecs: Avro schemas, the three accepted `metrics` encodings (Confluent wire format, Avro
 * single-object encoding, JSON), event encoding for output topics, dead-letter headers, and the schema
 * registry adapter. See `docs/adr/0003-encodings.md`.
 */
export {
  CodecError,
  METRIC_ERROR_CLASSES,
  METRIC_ERROR_CODES,
  type MetricDecodeError,
  type MetricErrorClass,
  metricDecodeError,
} from './codec-errors.js';
export {
  CONFLUENT_HEADER_LENGTH,
  CONFLUENT_MAGIC_BYTE,
  type ConfluentFrame,
  encodeConfluentFrame,
  readConfluentFrame,
} from './confluent-wire.js';
export {
  CRC64_AVRO_EMPTY,
  crc64Avro,
  fingerprintFromBytesLE,
  fingerprintToBytesLE,
  fingerprintToSigned,
} from './crc64-avro.js';
export {
  DEAD_LETTER_HEADER_ERROR_CODE,
  DEAD_LETTER_HEADER_PREFIX,
  DEAD_LETTER_HEADERS,
  type DeadLetter,
  type DeadLetterMeta,
  deadLetterHeaders,
  parseDeadLetter,
} from './dead-letter-headers.js';
export {
  createEventDecoder,
  createEventEncoder,
  type EventCodecOptions,
  type EventDecoder,
  type EventEncoder,
  encodeMetricPointJson,
  INVALID_EVENT_ERROR_CODE,
} from './event-encoder.js';
export {
  type MalformedMetricSample,
  malformedMetricSamples,
  unknownSchemaIdRecord,
} from './malformed-records.js';
export {
  createMetricDecoder,
  type DecodeResult,
  type MetricDecoder,
  type MetricDecoderOptions,
  type MetricEncoding,
} from './metric-decoder.js';
export {
  type ConfluentRegistryOptions,
  classifyRegistryError,
  createConfluentSchemaRegistry,
  REGISTRY_ERROR_CODES,
  type RegistryCompatibility,
  type SchemaRegistryPort,
  topicValueSubject,
} from './registry.js';
export {
  type CatalogEntry,
  createSchemaCatalog,
  defaultSchemaCatalog,
  defaultSchemasDir,
  type LoadSchemaCatalogOptions,
  loadSchemaCatalog,
  parseCatalogEntry,
  SCHEMA_FILES,
  SCHEMA_NAMES,
  type SchemaCatalog,
  type SchemaName,
  type SchemaValueTypes,
} from './schema-catalog.js';
export {
  decodeSingleObject,
  encodeSingleObject,
  frameSingleObject,
  hasSingleObjectMagic,
  readSingleObjectFrame,
  SINGLE_OBJECT_HEADER_LENGTH,
  SINGLE_OBJECT_MAGIC,
  type SingleObjectDecoded,
  type SingleObjectFrame,
} from './single-object.js';
export {
  DEFAULT_METRIC_LIMITS,
  type MetricLimits,
  type MetricValidation,
  resolveMetricLimits,
  validateMetricPoint,
} from './validate-metric-point.js';
