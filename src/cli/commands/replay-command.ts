import { createWriteStream } from 'node:fs';
import { type Command, Option } from 'commander';
import { detectorConfigId } from '../../config/detector-settings.js';
import { KEEP_FOREVER_MS, type LogProducer } from '../../consumers/log-port.js';
import {
  fileSize,
  formatFromPath,
  type MetricFileFormat,
  readMetricFile,
} from '../../io/metric-file-reader.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import { DetectorReplayer } from '../../replay/detector-replayer.js';
import { type CliContext, createCliContext, type GlobalFlags, requireKafka } from '../cli-context.js';
import { createProgress } from '../progress.js';

interface ReplayFlags extends GlobalFlags {
  readonly topic?: string;
  readonly from?: string;
  readonly to?: string;
  readonly fromOffset?: string;
  readonly toOffset?: string;
  readonly outTopic?: string;
  readonly outFile?: string;
  readonly inputFile?: string;
  readonly format?: MetricFileFormat;
  readonly series?: string;
}

/** Parses `--from/--to`: epoch ms or an ISO-8601 date/time. */
export function parseTimeFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new Error(`${name} ${JSON.stringify(text)} is neither epoch milliseconds nor an ISO-8601 time`);
  return ms;
}

function parseOffsetFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer offset`);
  return n;
}

/** Where replayed anomalies go. */
interface AnomalySink {
  write(event: AnomalyEvent): Promise<void>;
  close(): Promise<void>;
}

async function openSink(context: CliContext, flags: ReplayFlags): Promise<AnomalySink> {
  if (flags.outTopic) {
    requireKafka(context, 'replay --out-topic');
    if (flags.outTopic === context.config.topics.names.anomalies) {
      throw new Error(
        `--out-topic ${flags.outTopic} is the live anomalies topic; replay into a separate topic (e.g. ${flags.outTopic}.replay) so live subscribers do not see replayed events`,
      );
    }
    const admin = context.backend.admin();
    await admin.ensureTopics([
      { name: flags.outTopic, partitions: context.config.topics.partitions, retentionMs: KEEP_FOREVER_MS },
    ]);
    const producer: LogProducer = await context.backend.producer();
    const topic = flags.outTopic;
    let pending: Array<Promise<Buffer>> = [];
    let events: AnomalyEvent[] = [];
    const flush = async () => {
      const values = await Promise.all(pending);
      await producer.send(
        events.map((e, i) => ({ topic, key: e.series, value: values[i]!, timestampMs: e.timestampMs })),
      );
      pending = [];
      events = [];
    };
    return {
      async write(event) {
        events.push(event);
        pending.push(context.codecs.eventEncoder.encode(topic, 'AnomalyEvent', event));
        if (events.length >= 500) await flush();
      },
      async close() {
        await flush();
        await producer.close();
      },
    };
  }
  const path = flags.outFile ?? '-';
  const out: NodeJS.WritableStream = path === '-' ? process.stdout : createWriteStream(path);
  return {
    async write(event) {
      if (!out.write(`${JSON.stringify(event)}\n`))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (out === process.stdout) resolve();
        else out.end(() => resolve());
      }),
  };
}

/** `vigil replay`: re-runs the detectors over a topic (or a file) into another topic or a file. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(
      're-run the detectors over a topic time/offset range (or a file) into a separate topic or a file',
    )
    .option('-t, --topic <name>', 'topic to read (default: the metrics topic)')
    .option('--from <time>', 'report anomalies with event time >= this (ISO-8601 or epoch ms)')
    .option('--to <time>', 'report anomalies with event time < this (ISO-8601 or epoch ms)')
    .option('--from-offset <n>', 'start reading every partition at this offset (default: earliest)')
    .option(
      '--to-offset <n>',
      'stop reading every partition before this offset (default: end at start of replay)',
    )
    .option('--out-topic <name>', 'write anomaly events (Avro, keyed by series) to this topic')
    .option(
      '-o, --out-file <path>',
      'write anomaly events as JSON lines to this file ("-" = stdout, the default)',
    )
    .option('--input-file <file>', 'replay a CSV/JSON-lines file instead of a topic (no Kafka needed)')
    .addOption(new Option('-f, --format <format>', 'format of --input-file').choices(['csv', 'jsonl']))
    .option('-s, --series <name>', 'series for --input-file rows without one')
    .addHelpText(
      'after',
      `
Replay is how you backtest detector settings: it reads with its own throwaway reader (nothing is
committed, the live consumer group is not disturbed), runs the same detector code as the live stage with
the settings from --detectors (or VIGIL_DETECTORS / config), and writes the anomalies it finds.

Windows are warmed up on the records before --from, so a replay from the earliest offset reports the same
anomalies (same ids) as the live run did for the same settings. With --from-offset the warm-up starts there.

Examples:
  vigil replay --from 2026-01-01T00:00:00Z --to 2026-01-02T00:00:00Z --out-file anomalies.jsonl
  vigil replay --detectors tuned.yaml --out-topic anomalies.backtest
  vigil replay --input-file nyc_taxi.csv --series nyc_taxi -o -`,
    )
    .action(async (_options, command: Command) => {
      const flags = command.optsWithGlobals<ReplayFlags>();
      if (flags.outTopic && flags.outFile) throw new Error('choose one of --out-topic and --out-file');
      const context = createCliContext(flags, 'warn');
      const { config, codecs, backend } = context;
      const detectors = config.detect.detectors;
      const range = {
        ...(flags.from ? { fromMs: parseTimeFlag('--from', flags.from)! } : {}),
        ...(flags.to ? { toMs: parseTimeFlag('--to', flags.to)! } : {}),
      };
      const replayer = new DetectorReplayer({ detectors, configId: detectorConfigId(detectors) }, range);
      const sink = await openSink(context, flags);
      let invalid = 0;
      try {
        if (flags.inputFile) {
          const file = flags.inputFile;
          const progress = createProgress(`replay ${file}`, await fileSize(file), 'bytes');
          let bytes = 0;
          const defaults = flags.series ? { series: flags.series } : {};
          for await (const row of readMetricFile(
            file,
            flags.format ?? formatFromPath(file),
            defaults,
            (b) => {
              bytes = b;
            },
          )) {
            const result = row.record.__invalid
              ? undefined
              : await codecs.metricDecoder.decode(Buffer.from(JSON.stringify(row.record)));
            if (!result?.ok) {
              invalid++;
              continue;
            }
            for (const event of replayer.push(result.point)) await sink.write(event);
            if (replayer.summary.points % 5000 === 0)
              progress.update(bytes, { anomalies: replayer.summary.anomalies });
          }
          progress.update(bytes, { anomalies: replayer.summary.anomalies });
          progress.stop();
        } else {
          requireKafka(context, 'replay');
          const topic = flags.topic ?? config.topics.names.metrics;
          const fromOffset = parseOffsetFlag('--from-offset', flags.fromOffset);
          const toOffset = parseOffsetFlag('--to-offset', flags.toOffset);
          const offsets = await backend.admin().offsetRange(topic);
          const ranges = new Map(
            [...offsets].map(([p, r]) => [
              p,
              { from: Math.max(r.start, fromOffset ?? r.start), to: Math.min(r.end, toOffset ?? r.end) },
            ]),
          );
          const total = [...ranges.values()].reduce((sum, r) => sum + Math.max(0, r.to - r.from), 0);
          const progress = createProgress(`replay ${topic}`, total, 'records');
          let read = 0;
          await backend.readRanges({
            topic,
            ranges,
            onRecords: async (records) => {
              for (const record of records) {
                const result = await codecs.metricDecoder.decode(record.value);
                if (!result.ok) {
                  invalid++;
                  continue;
                }
                for (const event of replayer.push(result.point)) await sink.write(event);
              }
              read += records.length;
              progress.update(read, { anomalies: replayer.summary.anomalies });
            },
          });
          progress.update(read, { anomalies: replayer.summary.anomalies });
          progress.stop();
        }
      } finally {
        await sink.close();
        await backend.close();
      }
      const s = replayer.summary;
      process.stderr.write(
        `replayed ${s.points} points over ${replayer.seriesCount} series: ${s.anomalies} anomalies in range` +
          `${s.outsideRange ? ` (${s.outsideRange} more during warm-up)` : ''}${invalid ? `, ${invalid} invalid records skipped` : ''}\n`,
      );
    });
}
