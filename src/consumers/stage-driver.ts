import type { Logger } from 'pino';
import { silentLogger } from '../observability/logger.js';
import type { LogRecord, OutgoingRecord, TopicSpec } from './log-port.js';
import { MemoryLogBackend } from './memory-log/memory-backend.js';
import type { StageBinding, StageOutput } from './stage.js';
import { createStageRunner, type RunnerTuning, type StageRunner } from './stage-runner.js';
import type { OutputCorrelator, StageObserver, StageTracer } from './stage-telemetry.js';

/** Options of {@link StageDriver}. */
export interface StageDriverOptions<In, S> {
  readonly binding: StageBinding<In, S>;
  readonly encodeOutput: (output: StageOutput) => Promise<Buffer>;
  /** Topics to create (input, outputs, dead letters, changelog). */
  readonly topics: readonly TopicSpec[];
  readonly exactlyOnce?: boolean;
  readonly backend?: MemoryLogBackend;
  readonly logger?: Logger;
  readonly tuning?: Partial<RunnerTuning>;
  readonly tracer?: StageTracer;
  readonly observer?: StageObserver;
  readonly correlate?: OutputCorrelator;
}

/**
 * Runs a stage on the in-process log without any server — the test driver of the house style: pipe
 * input, let the stage drain, read outputs, read the changelog, start more instances, stop them.
 */
export class StageDriver<In, S> {
  readonly backend: MemoryLogBackend;
  readonly runners: StageRunner[] = [];

  private constructor(private readonly options: StageDriverOptions<In, S>) {
    this.backend = options.backend ?? new MemoryLogBackend();
  }

  /** Creates the topics and returns a driver with no instance running yet. */
  static async create<In, S>(options: StageDriverOptions<In, S>): Promise<StageDriver<In, S>> {
    const driver = new StageDriver(options);
    await driver.backend.admin().ensureTopics(options.topics);
    return driver;
  }

  /** Starts one more instance of the stage in the group. */
  async startInstance(): Promise<StageRunner> {
    const runner = createStageRunner({
      backend: this.backend,
      binding: this.options.binding,
      encodeOutput: this.options.encodeOutput,
      exactlyOnce: this.options.exactlyOnce ?? true,
      logger: this.options.logger ?? silentLogger(),
      ...(this.options.tuning ? { tuning: this.options.tuning } : {}),
      ...(this.options.tracer ? { tracer: this.options.tracer } : {}),
      ...(this.options.observer ? { observer: this.options.observer } : {}),
      ...(this.options.correlate ? { correlate: this.options.correlate } : {}),
    });
    await runner.start();
    this.runners.push(runner);
    return runner;
  }

  /** Appends input records. */
  async pipe(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = await this.backend.producer();
    await producer.send(records);
  }

  /** Resolves once the group has committed every input record, or rejects after `timeoutMs`. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const admin = this.backend.admin();
    const { groupId, inputTopic } = this.options.binding;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.offsetRange(inputTopic);
      const committed = await admin.committedOffsets(groupId, inputTopic);
      const behind = [...ends].filter(([p, { end }]) => end > 0 && (committed.get(p) ?? -1) < end);
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `stage did not drain in ${timeoutMs} ms; behind on partitions ${behind.map(([p]) => p).join(',')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Every record of a topic, partition by partition in offset order. */
  read(topic: string): LogRecord[] {
    return this.backend.topics.get(topic).partitions.flatMap((p) => p.records);
  }

  /** The latest changelog value per key (what a restore would rebuild). */
  changelog(topic: string): Map<string, Buffer | null> {
    const latest = new Map<string, Buffer | null>();
    for (const record of this.read(topic)) {
      if (record.key) latest.set(record.key.toString('utf8'), record.value);
    }
    return latest;
  }

  /** Stops every running instance. */
  async stopAll(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }
}
