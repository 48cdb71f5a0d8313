import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { KafkaLogBackend } from '../consumers/kafka/kafka-backend.js';
import type { LogBackend } from '../consumers/log-port.js';
import { MemoryLogBackend } from '../consumers/memory-log/memory-backend.js';

/** The event log the configuration asks for: Kafka when brokers are configured, the in-process log otherwise. */
export function createLogBackend(config: Pick<AppConfig, 'mode' | 'kafka'>, logger: Logger): LogBackend {
  if (config.mode === 'embedded' || !config.kafka.brokers) return new MemoryLogBackend();
  return new KafkaLogBackend(
    {
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
      replicationFactor: config.kafka.replicationFactor,
      ssl: config.kafka.ssl,
      ...(config.kafka.sslCa ? { sslCa: config.kafka.sslCa } : {}),
      ...(config.kafka.sasl ? { sasl: config.kafka.sasl } : {}),
      transactionTimeoutMs: config.kafka.transactionTimeoutMs,
    },
    logger,
  );
}
