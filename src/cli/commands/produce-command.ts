import { type Command, Option } from 'commander';
import { encodeMetricPointJson, encodeSingleObject } from '../../codec/index.js';
import type { OutgoingRecord } from '../../consumers/log-port.js';
import {
  fileSize,
  formatFromPath,
  type MetricFileFormat,
  readMetricFile,
} from '../../io/metric-file-reader.js';
import type { MetricPoint } from '../../model/metric-point.js';
import { createCliContext, type GlobalFlags, requireKafka } from '../cli-context.js';
import { createProgress } from '../progress.js';

interface ProduceFlags extends GlobalFlags {
  readonly topic?: string;
  readonly format?: MetricFileFormat;
  readonly encoding: 'json' | 'avro' | 'registry';
  readonly series?: string;
  readonly label: string[];
  readonly batchSize: string;
  readonly strict?: boolean;
}

const collectLabel = (value: string, previous: string[]) => [...previous, value];

function parseLabels(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--label expects key=value, got ${JSON.stringify(pair)}`);
    labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}

/** `vigil produce <file>`: a CSV or JSON-lines file of metric points → a topic, keyed by series. */
export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description('produce metric points from a CSV or JSON-lines file to a topic (keyed by series)')
    .argument('<file>', 'CSV (header row: series,timestamp,value[,label columns]) or JSON lines')
    .option('-t, --topic <name>', 'target topic (default: the metrics topic)')
    .addOption(
      new Option('-f, --format <format>', 'file format (default: from the extension)').choices([
        'csv',
        'jsonl',
      ]),
    )
    .addOption(
      new Option(
        '-e, --encoding <encoding>',
        'record encoding: JSON, Avro single-object, or Avro via the schema registry',
      )
        .choices(['json', 'avro', 'registry'])
        .default('json'),
    )
    .option('-s, --series <name>', 'series for rows without a series column (e.g. NAB files)')
    .option('-l, --label <key=value>', 'label added to every point (repeatable)', collectLabel, [])
    .option('--batch-size <n>', 'records per produce request', '500')
    .option('--strict', 'stop at the first invalid row instead of reporting and skipping it')
    .addHelpText(
      'after',
      `
Timestamps: "timestamp" as epoch milliseconds or ISO-8601 (zone-less "YYYY-MM-DD hh:mm:ss" is UTC), or
"timestampMs". Every row is validated like the detect stage validates records; invalid rows are reported
with their line number and skipped (or stop the run with --strict). The record timestamp is set to the
point's event time, so \`vigil replay --from/--to\` can find time ranges.

Examples:
  vigil produce data.csv
  vigil produce nab/realKnownCause/nyc_taxi.csv --series nyc_taxi --label source=nab --encoding avro
  SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 vigil produce points.jsonl --encoding registry`,
    )
    .action(async (file: string, _options, command: Command) => {
      const flags = command.optsWithGlobals<ProduceFlags>();
      const context = createCliContext(flags, 'warn');
      requireKafka(context, 'produce');
      const { codecs, backend, config } = context;
      if (flags.encoding === 'registry' && !codecs.registry) {
        throw new Error(
          '--encoding registry needs SCHEMA_REGISTRY_URL (or schemaRegistry.url in the config file)',
        );
      }
      const topic = flags.topic ?? config.topics.names.metrics;
      const format = flags.format ?? formatFromPath(file);
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch-size must be a positive integer');
      const labels = parseLabels(flags.label);
      const entry = codecs.catalog.get('MetricPoint');
      const encode = async (point: MetricPoint): Promise<Buffer> => {
        if (flags.encoding === 'avro') return encodeSingleObject(entry, point);
        if (flags.encoding === 'registry') return codecs.eventEncoder.encode(topic, 'MetricPoint', point);
        return encodeMetricPointJson(point);
      };

      const total = await fileSize(file);
      const progress = createProgress(`produce ${file} → ${topic}`, total, 'bytes');
      const producer = await backend.producer();
      let batch: OutgoingRecord[] = [];
      let produced = 0;
      let invalid = 0;
      let bytesRead = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await producer.send(batch);
        produced += batch.length;
        batch = [];
        progress.update(bytesRead, { produced, invalid });
      };
      try {
        const defaults = { ...(flags.series ? { series: flags.series } : {}), labels };
        for await (const row of readMetricFile(file, format, defaults, (b) => {
          bytesRead = b;
        })) {
          const problem = row.record.__invalid as string | undefined;
          const result = problem
            ? undefined
            : await codecs.metricDecoder.decode(Buffer.from(JSON.stringify(row.record)));
          if (!result?.ok) {
            invalid++;
            const reason =
              problem ?? (result && !result.ok ? `${result.error.errorClass}: ${result.error.message}` : '');
            const message = `${file}:${row.line}: invalid row skipped (${reason})`;
            if (flags.strict) throw new Error(message.replace('skipped', 'with --strict'));
            process.stderr.write(`${message}\n`);
            continue;
          }
          batch.push({
            topic,
            key: result.point.series,
            value: await encode(result.point),
            timestampMs: result.point.timestampMs,
          });
          if (batch.length >= batchSize) await flush();
        }
        await flush();
      } finally {
        progress.update(total, { produced, invalid });
        progress.stop();
        await producer.close();
        await backend.close();
      }
      process.stdout.write(
        `produced ${produced} records to ${topic} (${flags.encoding})${invalid ? `; ${invalid} invalid rows skipped` : ''}\n`,
      );
    });
}
