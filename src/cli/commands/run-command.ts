import type { Server } from 'node:http';
import type { Command } from 'commander';
import { subscribeToAnomalies } from '../../app/anomaly-subscriber.js';
import { createDetectStage } from '../../app/detect-stage.js';
import { waitForGroupToDrain } from '../../app/drain.js';
import { pipelineTopicSpecs } from '../../app/pipeline-topics.js';
import { producePaced } from '../../app/synthetic-producer.js';
import { totalLag } from '../../consumers/stage-stats.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import { createStageMetricsRegistry, serveMetrics } from '../../observability/stage-metrics.js';
import { DEFAULT_SYNTHETIC_OPTIONS, generateSyntheticStream } from '../../synthetic/synthetic-metrics.js';
import { createCliContext, type GlobalFlags } from '../cli-context.js';
import { formatAnomaly } from '../format-anomaly.js';
import { onShutdownSignal } from '../shutdown.js';

interface RunFlags extends GlobalFlags {
  readonly demo?: boolean;
  readonly series: string;
  readonly points: string;
  readonly rate: string;
  readonly seed: string;
  readonly follow?: boolean;
  readonly createTopics: boolean;
  readonly metricsPort?: string;
  readonly statsIntervalMs: string;
}

const STAGES = ['detect'] as const;

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** `vigil run [stage]`: runs a stage until stopped; on the embedded default, the whole demo pipeline. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the detect stage (on the embedded default: a demo pipeline over a synthetic stream)')
    .argument('[stage]', `stage to run: ${STAGES.join(', ')}`, 'detect')
    .option(
      '--demo',
      'feed a built-in synthetic metric stream with injected incidents (default on the embedded log)',
    )
    .option('--no-demo', 'do not feed the synthetic stream')
    .option('--series <n>', 'demo: number of series', String(DEFAULT_SYNTHETIC_OPTIONS.series))
    .option('--points <n>', 'demo: points per series', String(DEFAULT_SYNTHETIC_OPTIONS.pointsPerSeries))
    .option('--rate <n>', 'demo: points per second fed to the pipeline', '4000')
    .option('--seed <n>', 'demo: random seed of the synthetic stream', String(DEFAULT_SYNTHETIC_OPTIONS.seed))
    .option('--follow', 'keep running after the demo stream is consumed (until Ctrl-C)')
    .option('--no-create-topics', 'do not create missing topics at startup')
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
    .option('--stats-interval-ms <ms>', 'log throughput and lag this often', '10000')
    .addHelpText(
      'after',
      `
Without KAFKA_BROKERS, Vigil runs on its embedded in-process log: no servers needed. \`vigil run\` then
generates a synthetic stream (series with bounded noise, some with an injected spike, dip or level
shift), runs the detect stage over it, prints every anomaly as a subscriber of the anomalies topic
sees it, and ends with a summary of what was injected and what was found.

With KAFKA_BROKERS set, \`vigil run detect\` joins the consumer group and processes the metrics topic until
SIGINT/SIGTERM, which finish the batch in flight, checkpoint and leave the group.

Examples:
  npm start                                   # embedded demo
  vigil run --series 200 --points 500 --rate 20000
  KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7 vigil run detect
  vigil run detect --detectors config/detectors.yaml --metrics-port 9464`,
    )
    .action(async (stageName: string, _options, command: Command) => {
      if (!(STAGES as readonly string[]).includes(stageName)) {
        throw new Error(`unknown stage ${JSON.stringify(stageName)}; stages: ${STAGES.join(', ')}`);
      }
      const flags = command.optsWithGlobals<RunFlags>();
      // The demo prints anomalies on stdout; keep the JSON logs to warnings there.
      const context = createCliContext(flags, (mode) =>
        mode === 'embedded' && flags.demo !== false ? 'warn' : 'info',
      );
      const { config, backend, codecs, logger } = context;
      const demo = flags.demo ?? config.mode === 'embedded';
      const admin = backend.admin();
      if (flags.createTopics || config.mode === 'embedded')
        await admin.ensureTopics(pipelineTopicSpecs(config));

      const stage = createDetectStage({ config, backend, codecs, logger });
      let metricsServer: Server | undefined;
      if (flags.metricsPort) {
        metricsServer = await serveMetrics(
          createStageMetricsRegistry([stage.stats]),
          positiveInt('--metrics-port', flags.metricsPort),
        );
      }
      let running = true;
      const stopAll = async () => {
        running = false;
        await stage.stop();
        metricsServer?.close();
        await backend.close();
      };
      const say = (line: string) => process.stdout.write(`${line}\n`);
      onShutdownSignal(stopAll, (m) => process.stderr.write(`${m}\n`));
      await stage.start();

      const statsTimer = setInterval(
        () => {
          const s = stage.stats;
          logger.info(
            {
              recordsIn: s.recordsIn,
              anomalies: s.recordsOut,
              deadLettered: s.deadLettered,
              lag: totalLag(s),
              partitions: s.assigned,
            },
            'detect stage progress',
          );
        },
        positiveInt('--stats-interval-ms', flags.statsIntervalMs),
      );
      statsTimer.unref();

      if (!demo) {
        say(
          `vigil: detect stage running on ${config.mode === 'kafka' ? `Kafka ${config.kafka.brokers?.join(',')}` : 'the embedded log'}; Ctrl-C to stop`,
        );
        const error = await stage.failed;
        clearInterval(statsTimer);
        await stopAll();
        throw error;
      }

      const stream = generateSyntheticStream({
        ...DEFAULT_SYNTHETIC_OPTIONS,
        series: positiveInt('--series', flags.series),
        pointsPerSeries: positiveInt('--points', flags.points),
        seed: positiveInt('--seed', flags.seed),
      });
      say(
        `vigil demo on ${config.mode === 'embedded' ? 'the embedded in-process log (no servers)' : `Kafka ${config.kafka.brokers?.join(',')}`}: ` +
          `${stream.series.length} series × ${flags.points} points, ${stream.incidents.length} injected incidents, ${flags.rate} points/s`,
      );
      say('anomalies, as a subscriber of the anomalies topic receives them:');
      const found: AnomalyEvent[] = [];
      const subscriberGroup = `vigil-console-${process.pid}`;
      const subscriber = await subscribeToAnomalies({
        backend,
        codecs,
        topic: config.topics.names.anomalies,
        groupId: subscriberGroup,
        onEvent: (event) => {
          found.push(event);
          say(`  ${formatAnomaly(event)}`);
        },
      });
      const started = Date.now();
      await producePaced({
        backend,
        topic: config.topics.names.metrics,
        points: stream.points,
        ratePerSec: positiveInt('--rate', flags.rate),
        isRunning: () => running,
      });
      await waitForGroupToDrain(admin, config.detect.groupId, config.topics.names.metrics, {
        timeoutMs: 120_000,
        markerSlack: 1,
        isRunning: () => running,
      });
      await waitForGroupToDrain(admin, subscriberGroup, config.topics.names.anomalies, {
        timeoutMs: 30_000,
        markerSlack: 1,
        isRunning: () => running,
      });
      const seconds = (Date.now() - started) / 1000;
      const detected = stream.incidents.filter((i) =>
        found.some(
          (a) =>
            a.series === i.series &&
            a.timestampMs >= i.timestampMs &&
            a.timestampMs <= i.timestampMs + 3 * DEFAULT_SYNTHETIC_OPTIONS.intervalMs,
        ),
      );
      const dirty = new Set(stream.incidents.map((i) => i.series));
      const falseAlarms = found.filter((a) => !dirty.has(a.series)).length;
      say('');
      say(`summary: ${stream.points.length} points in ${seconds.toFixed(1)} s; ${found.length} anomalies`);
      say(`  injected incidents detected: ${detected.length}/${stream.incidents.length}`);
      for (const incident of stream.incidents) {
        const hit = detected.includes(incident) ? 'found ' : 'MISSED';
        say(
          `    ${hit} ${incident.kind.padEnd(11)} ${incident.series} at ${new Date(incident.timestampMs).toISOString()}`,
        );
      }
      say(`  anomalies on series without an injected incident: ${falseAlarms}`);
      say(`  dead-lettered records: ${stage.stats.deadLettered}`);
      if (flags.follow && running) {
        say('following (Ctrl-C to stop)…');
        return;
      }
      clearInterval(statsTimer);
      await subscriber.stop();
      await stopAll();
    });
}
