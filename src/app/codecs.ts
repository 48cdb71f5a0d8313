import {
  createConfluentSchemaRegistry,
  createEventDecoder,
  createEventEncoder,
  createMetricDecoder,
  type EventDecoder,
  type EventEncoder,
  loadSchemaCatalog,
  type MetricDecoder,
  type SchemaCatalog,
  type SchemaName,
  type SchemaRegistryPort,
  type SchemaValueTypes,
} from '../codec/index.js';
import type { AppConfig } from '../config/app-config.js';
import type { StageOutput } from '../consumers/stage.js';

/** The codecs of one process, built once from the configuration. */
export interface Codecs {
  readonly catalog: SchemaCatalog;
  readonly registry: SchemaRegistryPort | undefined;
  readonly metricDecoder: MetricDecoder;
  readonly eventEncoder: EventEncoder;
  readonly eventDecoder: EventDecoder;
  /** Encodes a stage output with its schema (registry framing when configured). */
  encodeOutput(output: StageOutput): Promise<Buffer>;
}

/** Builds the codecs: registry-framed Avro when `schemaRegistry.url` is set, single-object otherwise. */
export function createCodecs(config: Pick<AppConfig, 'schemaRegistry'>): Codecs {
  const catalog = loadSchemaCatalog();
  const registry = config.schemaRegistry.url
    ? createConfluentSchemaRegistry({ host: config.schemaRegistry.url })
    : undefined;
  const options = registry ? { catalog, registry } : { catalog };
  const eventEncoder = createEventEncoder(options);
  return {
    catalog,
    registry,
    metricDecoder: createMetricDecoder(options),
    eventEncoder,
    eventDecoder: createEventDecoder(options),
    encodeOutput: (output) =>
      eventEncoder.encode(
        output.topic,
        output.schema as SchemaName,
        output.value as SchemaValueTypes[SchemaName],
      ),
  };
}
