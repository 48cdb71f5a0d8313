import type { Server } from 'node:http';
import type { Command } from 'commander';
import { subscribeToEvents } from '../../app/anomaly-subscriber.js';
import { type ApiResources, openApiResources } from '../../app/api-resources.js';
import { type ApiServer, startApiServer } from '../../app/api-server.js';
import { generateDemoStream } from '../../app/demo-stream.js';
import { waitForGroupToDrain } from '../../app/drain.js';
import { buildPipeline, type Pipeline, stagesOf } from '../../app/pipeline.js';
import { STAGE_NAMES } from '../../app/pipeline-stage.js';
import { pipelineTopicSpecs } from '../../app/pipeline-topics.js';
import { producePaced } from '../../app/synthetic-producer.js';
import type { AppConfig } from '../../config/app-config.js';
import type { GroupConsumer } from '../../consumers/log-port.js';
import { totalLag } from '../../consumers/stage-stats.js';
import type { ActionEvent } from '../../model/action-event.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import type { ContextEvent } from '../../model/context-event.js';
import type { HypothesisEvent } from '../../model/hypothesis-event.js';
import { serveMetrics } from '../../observability/stage-metrics.js';
import { startTracing } from '../../observability/tracing.js';
import { createVigilMetrics } from '../../observability/vigil-metrics.js';
import { DEFAULT_SYNTHETIC_OPTIONS, type SyntheticStream } from '../../synthetic/synthetic-metrics.js';
import { type CliContext, createCliContext, type GlobalFlags } from '../cli-context.js';
import { formatAnomaly } from '../format-anomaly.js';
import { actionTotals, formatIncidentReport } from '../format-incident.js';
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
  readonly metricsHost: string;
  readonly statsIntervalMs: string;
  readonly api: boolean;
}

const STAGE_CHOICES = [...STAGE_NAMES, 'all', 'api'];

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

function where(config: AppConfig): string {
  return config.mode === 'kafka' ? `Kafka ${config.kafka.brokers?.join(',')}` : 'the embedded log';
}

/** `vigil run [stage]`: runs stages until stopped; on the embedded default, the whole demo pipeline. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run pipeline stages: detect, memory, reason, act or all (on the embedded default: a demo of the whole chain)',
    )
    .argument('[stage]', `stage to run: ${STAGE_CHOICES.join(', ')}`, 'all')
    .option(
      '--demo',
      'feed a built-in synthetic metric stream with injected incidents (default on the embedded log)',
    )
    .option('--no-demo', 'do not feed the synthetic stream')
    .option('--series <n>', 'demo: number of series', String(DEFAULT_SYNTHETIC_OPTIONS.series))
    .option('--points <n>', 'demo: points per series', String(DEFAULT_SYNTHETIC_OPTIONS.pointsPerSeries))
    .option('--rate <n>', 'demo: points per second fed to the pipeline', '4000')
    .option('--seed <n>', 'demo: random seed of the synthetic stream', String(DEFAULT_SYNTHETIC_OPTIONS.seed))
    .option(
      '--follow',
      'keep running after the demo stream is consumed (until Ctrl-C); default in a terminal when the API is served',
    )
    .option('--no-follow', 'exit after the demo summary')
    .option('--no-api', 'run all: do not serve the REST API')
    .option('--no-create-topics', 'do not create missing topics at startup')
    .option('--metrics-port <port>', 'serve Prometheus metrics on <metrics-host>:<port>/metrics')
    .option(
      '--metrics-host <address>',
      'address the metrics server listens on (0.0.0.0 in a container, so Prometheus can scrape it)',
      '127.0.0.1',
    )
    .option('--stats-interval-ms <ms>', 'log throughput and lag this often', '10000')
    .addHelpText(
      'after',
      `
Stages (each is its own consumer group and scales by partitions):
  detect   metrics    → anomalies     rolling windows and detectors
  memory   anomalies  → contexts      similar past incidents (embedding model + vector store)
  reason   contexts   → hypotheses    incidents, ranked root-cause hypotheses (rules, optional LLM)
  act      hypotheses → actions       alerts (Slack, PagerDuty, webhook), runbooks (dry-run), incident store
  all      the four in one process (the default), plus the REST API (api.port, PORT; see docs/api.md)
  api      only the REST API: ingest, analyze, incidents, feedback, health, /metrics, /docs

Without KAFKA_BROKERS, Vigil runs on its embedded in-process log: no servers needed. \`vigil run\` then
generates a synthetic stream (series with bounded noise, some with an injected spike, dip or level
shift, plus one incident spanning three series of the orders service), runs the whole chain over it,
prints every anomaly as a subscriber of the anomalies topic sees it, then per incident its similar past
incidents, ranked hypotheses and actions, and ends with a summary. No notification leaves the machine
unless a destination is configured: alerts are then recorded as "not sent", and runbooks only dry-run.
The memory stage needs the embedding model: \`npm run models:fetch\` (npm start runs it for you).

With KAFKA_BROKERS set, \`vigil run <stage>\` joins the stage's consumer group and processes its input
topic until SIGINT/SIGTERM, which finish the batch in flight, checkpoint and leave the group. Run one
stage per process to scale each by its partitions, or \`all\` for the four in one process.

Examples:
  npm start                                   # embedded demo of the whole chain
  vigil run detect --series 200 --points 500 --rate 20000   # embedded demo of the detect stage only
  export KAFKA_BROKERS=127.0.0.1:9092 SCHEMA_REGISTRY_URL=http://127.0.0.1:8081/apis/ccompat/v7
  vigil run all                               # the four stages in one process
  vigil run memory                            # only the memory stage (start more for more partitions)
  DATABASE_URL=postgres://vigil:vigil@127.0.0.1:55432/vigil VIGIL_WEBHOOK_URL=https://ops.example.com/hook \\
    VIGIL_ALLOWED_HOSTS=ops.example.com vigil run act
  vigil run detect --detectors config/detectors.yaml --metrics-port 9464`,
    )
    .action(async (stageName: string, _options, command: Command) => {
      const stages = stageName === 'api' ? [] : stagesOf(stageName);
      const flags = command.optsWithGlobals<RunFlags>();
      // The demo prints on stdout; keep the JSON logs to warnings there.
      const context = createCliContext(flags, (mode) =>
        mode === 'embedded' && flags.demo !== false ? 'warn' : 'info',
      );
      const { config, backend } = context;
      const demo = stageName !== 'api' && (flags.demo ?? config.mode === 'embedded');
      if (config.mode === 'embedded' && stageName !== 'api' && !stages.includes('detect')) {
        throw new Error(
          `on the embedded log, stage ${stageName} has no input: the log lives in this process. Run \`vigil run all\` (or \`detect\`), or set KAFKA_BROKERS to run one stage against Kafka.`,
        );
      }
      if (flags.createTopics || config.mode === 'embedded')
        await backend.admin().ensureTopics(pipelineTopicSpecs(config));

      // One tracer provider (off unless `tracing.enabled`) and one metrics registry per process.
      const tracing = startTracing(config.tracing);
      const metrics = createVigilMetrics();
      // The API shares the incident store and memory with the stages of this process.
      let resources: ApiResources | undefined;
      let pipeline: Pipeline;
      try {
        if (stageName === 'api' || (stageName === 'all' && flags.api)) {
          resources = await openApiResources(config, context.logger, {
            loadModelNow: stages.includes('memory'),
          });
          const pool = resources.storeClient.pool;
          if (pool) metrics.dependencies.watchPool('incident-store', pool);
        }
        pipeline = await buildPipeline({
          ...context,
          stages,
          tracing,
          metrics,
          ...(resources ? { ports: resources.pipelinePorts } : {}),
        });
      } catch (error) {
        await resources?.close();
        await backend.close();
        await tracing.shutdown();
        throw error;
      }
      const { registry } = metrics;
      let metricsServer: Server | undefined;
      let api: ApiServer | undefined;
      try {
        if (flags.metricsPort) {
          metricsServer = await serveMetrics(
            registry,
            positiveInt('--metrics-port', flags.metricsPort),
            flags.metricsHost,
          );
        }
        if (resources) api = await startApi(context, resources, registry, demo);
      } catch (error) {
        metricsServer?.close();
        await pipeline.stop();
        await resources?.close();
        await backend.close();
        await tracing.shutdown();
        throw error;
      }
      const run: RunState = { running: true, consoles: [], storeLocation: resources?.storeLocation };
      const stopAll = async () => {
        run.running = false;
        clearInterval(statsTimer);
        await api?.close();
        await Promise.allSettled(run.consoles.map((c) => c.stop()));
        await pipeline.stop();
        await resources?.close();
        metricsServer?.close();
        await backend.close();
        // Last: the spans of the final batches are exported before the process ends.
        await tracing.shutdown();
      };
      onShutdownSignal(stopAll, (m) => process.stderr.write(`${m}\n`));
      await pipeline.start();
      const statsTimer = setInterval(
        () => {
          for (const stage of pipeline.stages) {
            const s = stage.runner.stats;
            context.logger.info(
              {
                stage: stage.name,
                recordsIn: s.recordsIn,
                recordsOut: s.recordsOut,
                deadLettered: s.deadLettered,
                lag: totalLag(s),
                partitions: s.assigned,
              },
              `${stage.name} stage progress`,
            );
          }
        },
        positiveInt('--stats-interval-ms', flags.statsIntervalMs),
      );
      statsTimer.unref();

      if (!demo) {
        const parts = pipeline.stages.map((s) => `${s.name} (group ${s.groupId})`);
        say(
          `vigil: ${[...parts, ...(api ? [`API ${api.url}`] : [])].join(', ')} running on ${where(config)}; Ctrl-C to stop`,
        );
        const error = await pipeline.failed;
        await stopAll();
        throw error;
      }
      await runDemo(context, pipeline, flags, run);
      if ((flags.follow ?? (api !== undefined && process.stdout.isTTY)) && run.running) {
        say(
          api
            ? `following; browse the incidents at ${api.url}/api/v1/incidents (Ctrl-C to stop)…`
            : 'following (Ctrl-C to stop)…',
        );
        return;
      }
      await stopAll();
    });
}

interface RunState {
  running: boolean;
  consoles: GroupConsumer[];
  /** Where the incident store lives when the API opened it (the act stage then reports it as injected). */
  storeLocation: string | undefined;
}

/** Starts the API; in the demo a port that cannot be bound is reported and the demo goes on without it. */
async function startApi(
  context: CliContext,
  resources: ApiResources,
  registry: Parameters<typeof startApiServer>[0]['registry'],
  demo: boolean,
): Promise<ApiServer | undefined> {
  try {
    const api = await startApiServer({ ...context, resources, registry });
    say(`API: ${api.url} (web UI ${api.url}/, docs ${api.url}/docs, incidents ${api.url}/api/v1/incidents)`);
    if (api.createdKey) {
      say(
        `  admin API key for this run (the key table is in memory; paste it in the web UI, or send it as Authorization: Bearer …): ${api.createdKey}`,
      );
    }
    return api;
  } catch (error) {
    if (!demo) throw error;
    say(`API not served: ${(error as Error).message} (set PORT to a free port, or --no-api)`);
    return undefined;
  }
}

/** Feeds the synthetic stream through the stages of `pipeline` and prints what comes out of each. */
async function runDemo(context: CliContext, pipeline: Pipeline, flags: RunFlags, run: RunState) {
  const { config, backend, codecs } = context;
  const names = config.topics.names;
  const admin = backend.admin();
  const chain = pipeline.act !== undefined && pipeline.reason !== undefined && pipeline.memory !== undefined;
  const stream = generateDemoStream({
    ...DEFAULT_SYNTHETIC_OPTIONS,
    series: positiveInt('--series', flags.series),
    pointsPerSeries: positiveInt('--points', flags.points),
    seed: positiveInt('--seed', flags.seed),
  });
  say(
    `vigil demo on ${config.mode === 'embedded' ? 'the embedded in-process log (no servers)' : `Kafka ${config.kafka.brokers?.join(',')}`}: ` +
      `${stream.series.length} series × ${flags.points} points, ${stream.incidents.length} injected incidents, ${flags.rate} points/s; ` +
      `stages ${pipeline.stages.map((s) => s.name).join(' → ')}`,
  );
  if (pipeline.memory) {
    const seeded = pipeline.memory.seeded;
    say(
      'error' in seeded
        ? `  incident memory: NOT seeded (${seeded.error}); contexts will be degraded`
        : `  incident memory: ${seeded.added + seeded.skipped} past incidents (${seeded.added} embedded now), vector store ${pipeline.memory.handler.breakers().store === 'closed' ? 'up' : 'down'}`,
    );
  }
  if (pipeline.reason) {
    say(
      `  reasoning: rules engine${pipeline.reason.llm ? ` + LLM (${config.reason.llm.provider} ${config.reason.llm.model})` : ' (LLM off)'}`,
    );
  }
  if (pipeline.act) {
    const targets = pipeline.act.notifierTargets;
    say(
      `  notifications: ${targets.length > 0 ? targets.join(', ') : 'no destination configured — alerts are recorded as "not sent", nothing leaves this machine'}; ` +
        `runbooks: ${config.act.dryRun ? 'dry-run only' : 'executed by the simulated executor'}; incident store: ${run.storeLocation ?? pipeline.act.storeLocation}`,
    );
  }
  say('anomalies, as a subscriber of the anomalies topic receives them:');

  const found: AnomalyEvent[] = [];
  const contexts: ContextEvent[] = [];
  const latest = new Map<string, HypothesisEvent>();
  const actions: ActionEvent[] = [];
  let revisions = 0;
  const group = (topic: string) => `vigil-console-${process.pid}-${topic}`;
  const subscribe = async <T>(topic: string, onEvent: (event: T) => void) => {
    run.consoles.push(await subscribeToEvents<T>({ backend, codecs, topic, groupId: group(topic), onEvent }));
  };
  await subscribe<AnomalyEvent>(names.anomalies, (event) => {
    found.push(event);
    say(`  ${formatAnomaly(event)}`);
  });
  if (chain) {
    await subscribe<ContextEvent>(names.contexts, (event) => void contexts.push(event));
    await subscribe<HypothesisEvent>(names.hypotheses, (event) => {
      revisions++;
      const seen = latest.get(event.incident.id);
      if (!seen || seen.revision < event.revision) latest.set(event.incident.id, event);
    });
    await subscribe<ActionEvent>(names.actions, (event) => void actions.push(event));
  }

  const started = Date.now();
  await producePaced({
    backend,
    topic: names.metrics,
    points: stream.points,
    ratePerSec: positiveInt('--rate', flags.rate),
    isRunning: () => run.running,
  });
  // Kafka ends a transaction with a marker that takes an offset (several producers: several markers, which
  // the tail reader sees through); the embedded log writes none.
  const markerSlack = config.mode === 'kafka' ? 1 : 0;
  const drain = (groupId: string, topic: string, timeoutMs = 120_000) =>
    waitForGroupToDrain(admin, groupId, topic, {
      timeoutMs,
      markerSlack,
      tailReader: backend,
      isRunning: () => run.running,
    });
  // Stage by stage: each waits for the one before it to have written everything.
  for (const stage of pipeline.stages) await drain(stage.groupId, stage.inputTopic);
  await drain(group(names.anomalies), names.anomalies, 30_000);
  if (chain) {
    for (const topic of [names.contexts, names.hypotheses, names.actions])
      await drain(group(topic), topic, 30_000);
  }
  const seconds = (Date.now() - started) / 1000;
  printDetectSummary(stream, found, pipeline, seconds);
  if (chain) {
    const storeLocation = run.storeLocation ?? pipeline.act?.storeLocation;
    await printChainReport({ found, contexts, latest, actions, revisions, pipeline, storeLocation });
  }
}

function printDetectSummary(
  stream: SyntheticStream,
  found: readonly AnomalyEvent[],
  pipeline: Pipeline,
  seconds: number,
) {
  const interval = DEFAULT_SYNTHETIC_OPTIONS.intervalMs;
  const detected = stream.incidents.filter((i) =>
    found.some(
      (a) =>
        a.series === i.series &&
        a.timestampMs >= i.timestampMs &&
        a.timestampMs <= i.timestampMs + 3 * interval,
    ),
  );
  const dirty = new Set(stream.incidents.map((i) => i.series));
  const falseAlarms = found.filter((a) => !dirty.has(a.series)).length;
  const detect = pipeline.stages.find((s) => s.name === 'detect');
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
  say(`  dead-lettered records: ${detect?.runner.stats.deadLettered ?? 0}`);
}

async function printChainReport(r: {
  found: readonly AnomalyEvent[];
  contexts: readonly ContextEvent[];
  latest: ReadonlyMap<string, HypothesisEvent>;
  actions: readonly ActionEvent[];
  revisions: number;
  pipeline: Pipeline;
  storeLocation: string | undefined;
}) {
  const incidents = [...r.latest.values()].sort(
    (a, b) => a.incident.openedAtMs - b.incident.openedAtMs || a.incident.id.localeCompare(b.incident.id),
  );
  const degradedOf = new Map<string, number>();
  for (const c of r.contexts)
    if (c.degraded) degradedOf.set(c.correlationKey, (degradedOf.get(c.correlationKey) ?? 0) + 1);
  say('');
  say('incidents, as the memory → reason → act stages handled them:');
  for (const event of incidents) {
    say('');
    const own = r.actions.filter((a) => a.incidentId === event.incident.id);
    for (const line of formatIncidentReport(event, own, {
      degradedContexts: degradedOf.get(event.incident.correlationKey) ?? 0,
    }))
      say(`  ${line}`);
  }
  const totals = actionTotals(r.actions);
  const degraded = r.contexts.filter((c) => c.degraded).length;
  const stored = r.pipeline.act ? (await r.pipeline.act.store.listIncidents({ limit: 500 })).items.length : 0;
  say('');
  say(
    `chain summary: ${r.found.length} anomalies → ${r.contexts.length} contexts (${degraded} degraded) → ` +
      `${incidents.length} incidents (${r.revisions} hypothesis revisions) → ${r.actions.length} actions`,
  );
  say(
    `  alerts: ${totals.alertsSent} sent, ${totals.alertsFailed} failed, ${totals.notSent} not sent (no destination configured), ${totals.suppressedByCooldown} held back by the cooldown`,
  );
  say(`  runbook steps: ${totals.dryRunSteps} dry-run, ${totals.executedSteps} executed (simulated)`);
  say(`  incident store (${r.storeLocation}): ${stored} incidents recorded`);
}
