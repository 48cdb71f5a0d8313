import type { IHeaders, KafkaMessage, Message, TopicMessages } from 'kafkajs';
import type { Headers, LogRecord, OutgoingRecord } from '../log-port.js';

/** kafkajs header values (Buffer, string or arrays of them) as one Buffer per name. */
export function fromKafkaHeaders(headers: IHeaders | undefined): Headers {
  const out: Record<string, Buffer> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }
  return out;
}

/** A kafkajs message of a fetched batch as a port record. */
export function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestampMs: Number(message.timestamp),
    key: message.key,
    value: message.value,
    headers: fromKafkaHeaders(message.headers),
  };
}

/** Port records grouped per topic as kafkajs `sendBatch` wants them. */
export function toTopicMessages(records: readonly OutgoingRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    const message: Message = { key: record.key, value: record.value };
    if (record.headers) message.headers = { ...record.headers };
    if (record.partition !== undefined) message.partition = record.partition;
    if (record.timestampMs !== undefined) message.timestamp = String(record.timestampMs);
    messages.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
