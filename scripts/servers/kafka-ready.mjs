#!/usr/bin/env node
// Readiness check and warm-up for the broker started by scripts/servers/kafka.sh, using kafkajs.
//
//   node kafka-ready.mjs check BROKER   exit 0 when a metadata request (admin.listTopics) works
//   node kafka-ready.mjs warm  BROKER   create and load the group and transaction coordinators
//
// Why warm: on a fresh cluster __consumer_offsets and __transaction_state are created on first use,
// and while their partitions load, kafkajs does not retry some calls (seen: TxnOffsetCommit fails with
// NOT_COORDINATOR). Touching every coordinator partition once at start keeps tests deterministic.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Kafka, logLevel } = createRequire(join(repoRoot, 'package.json'))('kafkajs');

const [mode, broker] = process.argv.slice(2);
const kafka = new Kafka({
  clientId: 'vigil-servers',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Kafka maps a group / transactional id to partition Utils.abs(id.hashCode()) % partitions.
function partitionFor(id, partitions) {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

// One id per partition of an internal topic with `partitions` partitions.
function idsCoveringPartitions(prefix, partitions) {
  const ids = new Map();
  for (let i = 0; ids.size < partitions && i < 100_000; i++) {
    const id = `${prefix}-${i}`;
    const p = partitionFor(id, partitions);
    if (!ids.has(p)) ids.set(p, id);
  }
  return [...ids.values()];
}

async function retry(what, fn, attempts = 40) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts) throw new Error(`${what}: ${e.message}`);
      await sleep(250);
    }
  }
}

async function internalPartitions(admin, topic) {
  return retry(`metadata of ${topic}`, async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const n = topics[0]?.partitions.length;
    if (!n || topics[0].partitions.some((p) => p.leader < 0)) throw new Error('no leaders yet');
    return n;
  });
}

async function check() {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

async function warm() {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Group coordinator: the first lookup creates __consumer_offsets; then fetch offsets once per partition.
    await retry('group coordinator', () => admin.fetchOffsets({ groupId: 'vigil-warmup-0', topics: [] }));
    const groups = idsCoveringPartitions('vigil-warmup', await internalPartitions(admin, '__consumer_offsets'));
    for (const groupId of groups) {
      await retry(`group coordinator for ${groupId}`, () => admin.fetchOffsets({ groupId, topics: [] }));
    }
    // Transaction coordinator: the transactional InitProducerId (done by the first transaction(), not by
    // connect) creates and loads __transaction_state; the empty transaction is then aborted.
    const initTxn = (transactionalId) =>
      retry(`transaction coordinator for ${transactionalId}`, async () => {
        const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        try {
          const tx = await producer.transaction();
          await tx.abort();
        } finally {
          await producer.disconnect();
        }
      });
    await initTxn('vigil-warmup-0');
    const txnIds = idsCoveringPartitions('vigil-warmup', await internalPartitions(admin, '__transaction_state'));
    await Promise.all(txnIds.map(initTxn));
    console.error(`[servers] kafka: warmed ${groups.length} group and ${txnIds.length} transaction coordinator partitions`);
  } finally {
    await admin.disconnect();
  }
}

const run = { check, warm }[mode];
if (!run || !broker) {
  console.error('usage: kafka-ready.mjs check|warm HOST:PORT');
  process.exit(2);
}
run().then(
  () => process.exit(0),
  (e) => {
    console.error(`[servers] kafka: ${mode} failed: ${e.message}`);
    process.exit(1);
  },
);
