import type { Command } from 'commander';
import { pipelineTopicSpecs } from '../../app/pipeline-topics.js';
import { createCliContext, type GlobalFlags, requireKafka } from '../cli-context.js';

/** `vigil topics create|list`: creates the pipeline's topics (partitions, compaction) or lists them. */
export function registerTopicsCommand(program: Command): void {
  const topics = program
    .command('topics')
    .description('create or list the topics of the pipeline')
    .addHelpText(
      'after',
      `
Topics (names take VIGIL_TOPIC_PREFIX):
  metrics                          input metric points, keyed by series      (VIGIL_PARTITIONS, default 6)
  metrics.dlq                      dead letters: original bytes + vigil.dlq.* headers
  anomalies                        one event per anomaly, keyed by series
  <group>.detectors.changelog      compacted detector state, co-partitioned with metrics
  anomalies.dlq                    anomalies the memory stage cannot decode
  contexts                         anomaly + similar past incidents, keyed by correlation key
  contexts.dlq                     contexts the reason stage cannot decode
  <reason group>.incidents.changelog  compacted open incidents, co-partitioned with contexts
  hypotheses                       ranked root-cause hypotheses per incident revision, keyed by incident
  hypotheses.dlq                   hypotheses the act stage cannot decode
  <act group>.act.changelog        compacted dedup/cooldown/runbook state, co-partitioned with hypotheses
  actions                          alerts and runbook steps, keyed by incident

Examples:
  KAFKA_BROKERS=127.0.0.1:9092 vigil topics create
  KAFKA_BROKERS=127.0.0.1:9092 VIGIL_TOPIC_PREFIX=staging. VIGIL_PARTITIONS=12 vigil topics create
  KAFKA_BROKERS=127.0.0.1:9092 vigil topics list`,
    );

  topics
    .command('create')
    .description('create missing topics (existing ones are left unchanged)')
    .action(async (_options, command: Command) => {
      const context = createCliContext(command.optsWithGlobals<GlobalFlags>(), 'warn');
      requireKafka(context, 'topics create');
      const specs = pipelineTopicSpecs(context.config);
      const admin = context.backend.admin();
      const before = new Set(await admin.listTopics());
      await admin.ensureTopics(specs);
      for (const spec of specs) {
        const state = before.has(spec.name) ? 'exists ' : 'created';
        process.stdout.write(
          `${state} ${spec.name} (${spec.partitions} partitions${spec.compacted ? ', compacted' : ''})\n`,
        );
      }
      await context.backend.close();
    });

  topics
    .command('list')
    .description('list topics with their partition counts')
    .action(async (_options, command: Command) => {
      const context = createCliContext(command.optsWithGlobals<GlobalFlags>(), 'warn');
      requireKafka(context, 'topics list');
      const admin = context.backend.admin();
      for (const name of (await admin.listTopics()).sort()) {
        if (name.startsWith('__')) continue;
        const range = await admin.offsetRange(name);
        const records = [...range.values()].reduce((sum, r) => sum + (r.end - r.start), 0);
        process.stdout.write(`${name}\t${range.size} partitions\t${records} records\n`);
      }
      await context.backend.close();
    });
}
