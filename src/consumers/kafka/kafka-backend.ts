import {
  type Admin,
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  LogAdmin,
  LogBackend,
  LogProducer,
  ProducerOptions,
  RangeReadOptions,
} from '../log-port.js';
import { KafkaGroupConsumer } from './kafka-group-consumer.js';
import { readKafkaRanges } from './kafka-range-reader.js';
import { toTopicMessages } from './kafka-records.js';

/** Connection settings for a Kafka cluster. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Replication factor for topics Vigil creates; -1 uses the broker default. */
  readonly replicationFactor: number;
  readonly ssl?: boolean;
  /** PEM CA certificates the brokers' TLS certificates must chain to (implies TLS); system CAs when unset. */
  readonly sslCa?: string;
  readonly sasl?: {
    readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
  /** Transaction timeout for exactly-once producers, ms. */
  readonly transactionTimeoutMs: number;
}

/** The kafkajs client settings for a connection: TLS (with the given CA, if any), SASL, retries, logging. */
export function kafkaClientConfig(connection: KafkaConnection, logger: Logger): KafkaConfig {
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  };
  if (connection.sslCa) config.ssl = { ca: [connection.sslCa] };
  else if (connection.ssl) config.ssl = true;
  if (connection.sasl) config.sasl = { ...connection.sasl } as KafkaConfig['sasl'];
  return config;
}

/** Routes kafkajs' own log lines into pino (warn and above). */
function kafkaLogCreator(logger: Logger) {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      if (level === KafkaLogLevel.ERROR) log.error(rest, message);
      else if (level === KafkaLogLevel.WARN) log.warn(rest, message);
      else log.debug(rest, message);
    };
}

/**
 * The event-log port over a real Kafka cluster with kafkajs. This folder is the only place in Vigil that
 * imports kafkajs.
 */
export class KafkaLogBackend implements LogBackend {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly opened = new Set<{ close(): Promise<void> }>();

  constructor(
    private readonly connection: KafkaConnection,
    logger: Logger,
  ) {
    this.kafka = new Kafka(kafkaClientConfig(connection, logger));
  }

  /** One admin client per backend, connected on first use and closed with the backend. */
  private sharedAdmin: Promise<Admin> | undefined;
  /** Tail of the queue of admin calls (see `admin()`). */
  private adminQueue: Promise<void> = Promise.resolve();

  private connectedAdmin(): Promise<Admin> {
    if (!this.sharedAdmin) {
      const admin = this.kafka.admin();
      const connecting = admin.connect().then(() => admin);
      connecting.catch(() => {
        if (this.sharedAdmin === connecting) this.sharedAdmin = undefined;
      });
      this.sharedAdmin = connecting;
      this.opened.add({ close: () => admin.disconnect() });
    }
    return this.sharedAdmin;
  }

  admin(): LogAdmin {
    const replicationFactor = this.connection.replicationFactor;
    // kafkajs' admin is not safe for concurrent calls on different topics (a metadata refresh for one
    // topic can miss another's partitions), so calls on the shared client run one after another.
    const withAdmin = <T>(work: (admin: Admin) => Promise<T>): Promise<T> => {
      const run = this.adminQueue.then(async () => work(await this.connectedAdmin()));
      this.adminQueue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    };
    return {
      ensureTopics: (specs) =>
        withAdmin(async (admin) => {
          const existing = new Set(await admin.listTopics());
          const missing = specs.filter((s) => !existing.has(s.name));
          if (missing.length === 0) return;
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((s) => ({
              topic: s.name,
              numPartitions: s.partitions,
              replicationFactor,
              configEntries: [
                { name: 'cleanup.policy', value: s.compacted ? 'compact' : 'delete' },
                ...(s.retentionMs !== undefined
                  ? [{ name: 'retention.ms', value: String(s.retentionMs) }]
                  : []),
              ],
            })),
          });
        }),
      listTopics: () => withAdmin((admin) => admin.listTopics()),
      partitionCount: (topic) =>
        withAdmin(async (admin) => {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          return topics[0]?.partitions.length ?? 0;
        }),
      offsetRange: (topic) =>
        withAdmin(async (admin) => {
          const offsets = await admin.fetchTopicOffsets(topic);
          return new Map(offsets.map((o) => [o.partition, { start: Number(o.low), end: Number(o.high) }]));
        }),
      offsetsForTime: (topic, timestampMs) =>
        withAdmin(async (admin) => {
          const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
          return new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
        }),
      committedOffsets: (groupId, topic) =>
        withAdmin(async (admin) => {
          const result = await admin.fetchOffsets({ groupId, topics: [topic] });
          const partitions = result.find((t) => t.topic === topic)?.partitions ?? [];
          return new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
        }),
      deleteTopics: (topics) => withAdmin((admin) => admin.deleteTopics({ topics: [...topics] })),
    };
  }

  async producer(options: ProducerOptions = {}): Promise<LogProducer> {
    const transactional = options.transactionalId !== undefined;
    const producer: Producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      ...(transactional
        ? {
            transactionalId: options.transactionalId,
            transactionTimeout: this.connection.transactionTimeoutMs,
          }
        : {}),
    });
    await producer.connect();
    if (transactional) {
      // kafkajs initialises the transactional id lazily, at the first transaction. Do it now: this fences
      // any previous producer with the same id and waits until the broker has aborted its open
      // transaction, so state restored after this point is complete (no open transaction holds back the
      // last stable offset). An empty transaction ends without a broker round trip.
      const fence = await producer.transaction();
      await fence.abort();
    }
    let closed: Promise<void> | undefined;
    const handle: LogProducer = {
      send: async (records) => {
        if (records.length === 0) return;
        await producer.sendBatch({ acks: -1, topicMessages: toTopicMessages(records) });
      },
      transaction: async () => {
        const transaction = await producer.transaction();
        return {
          send: async (records) => {
            if (records.length === 0) return;
            await transaction.sendBatch({ acks: -1, topicMessages: toTopicMessages(records) });
          },
          commitOffsets: async (groupId, offsets) => {
            const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
            for (const o of offsets) {
              const list = byTopic.get(o.topic) ?? [];
              list.push({ partition: o.partition, offset: String(o.offset) });
              byTopic.set(o.topic, list);
            }
            await transaction.sendOffsets({
              consumerGroupId: groupId,
              topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
            });
          },
          commit: () => transaction.commit(),
          abort: () => transaction.abort(),
        };
      },
      close: () => {
        closed ??= producer.disconnect().finally(() => this.opened.delete(handle));
        return closed;
      },
    };
    this.opened.add(handle);
    return handle;
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    const consumer = new KafkaGroupConsumer(this.kafka, options);
    const handle = { close: () => consumer.stop() };
    this.opened.add(handle);
    return consumer;
  }

  readRanges(options: RangeReadOptions): Promise<void> {
    return readKafkaRanges(this.kafka, this.connection.clientId, options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.opened].map((h) => h.close().catch(() => {})));
    this.opened.clear();
  }
}
