#!/usr/bin/env node
// Smoke test of the real servers started by scripts/servers/start-all.sh.
//
//   node scripts/servers/smoke.mjs      (reads .servers/env unless the variables are already set)
//
// Kafka (through kafkajs, the project's client): admin create/describe/delete topics (3 partitions +
// compacted), a plain producer, a transactional producer (commit with sendOffsets, abort, commit),
// a read-committed consumer group that must not see aborted records, listGroups/fetchOffsets.
// Registry: register an Avro schema through the ccompat API, fetch it by id, check BACKWARD compat.
// PostgreSQL: psql `select version()`.
// Exits non-zero on any failure; gives up after 60 s.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repoRoot, 'package.json'));
const { Kafka, logLevel, Partitioners, ConfigResourceTypes } = require('kafkajs');

const TIMEOUT_MS = 60_000;
const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`[smoke] FAILED: timed out after ${TIMEOUT_MS / 1000}s`);
  process.exit(1);
}, TIMEOUT_MS);

function loadEnv() {
  const envFile = join(process.env.VIGIL_SERVERS_DIR ?? join(repoRoot, '.servers'), 'env');
  if (!existsSync(envFile)) return;
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

function log(msg) {
  console.log(`[smoke] ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s ${msg}`);
}

function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function smokeKafka(brokers) {
  const run = `${Date.now().toString(36)}-${process.pid}`;
  const topic = `smoke-events-${run}`;
  const compacted = `smoke-compacted-${run}`;
  const txnGroup = `smoke-txn-group-${run}`;
  const readerGroup = `smoke-reader-${run}`;
  // kafkajs logs retriable errors (coordinator loading, CONCURRENT_TRANSACTIONS) at ERROR level; hide them
  // unless SMOKE_VERBOSE=1. Real failures still throw and are printed.
  const kafka = new Kafka({
    clientId: 'vigil-smoke',
    brokers,
    logLevel: process.env.SMOKE_VERBOSE === '1' ? logLevel.INFO : logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const producers = [];
  let consumer;
  try {
    // --- admin: topics
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: 3, replicationFactor: 1 },
        {
          topic: compacted,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    });
    const meta = await admin.fetchTopicMetadata({ topics: [topic, compacted] });
    const parts = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
    check(parts[topic] === 3 && parts[compacted] === 1, `partition counts ${JSON.stringify(parts)}`);
    const cfg = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted, configNames: ['cleanup.policy'] }],
    });
    const policy = cfg.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    check(policy === 'compact', `cleanup.policy of ${compacted} is ${policy}`);
    log(`created ${topic} (3 partitions) and ${compacted} (cleanup.policy=compact)`);

    // --- plain producer: 10 records
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    producers.push(producer);
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `plain-${i}` })),
    });
    await producer.send({
      topic: compacted,
      messages: [
        { key: 'a', value: 'a1' },
        { key: 'a', value: 'a2' },
      ],
    });
    log('produced 10 plain records (+2 to the compacted topic)');

    // --- transactional producer: commit (with sendOffsets), abort, commit
    const txProducer = kafka.producer({
      transactionalId: `vigil-smoke-tx-${run}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producers.push(txProducer);
    await txProducer.connect();
    const sentOffsets = [
      { partition: 0, offset: '3' },
      { partition: 1, offset: '2' },
      { partition: 2, offset: '1' },
    ];
    let tx = await txProducer.transaction();
    await tx.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: `t${i}`, value: `tx-commit-${i}` })) });
    await tx.sendOffsets({ consumerGroupId: txnGroup, topics: [{ topic, partitions: sentOffsets }] });
    await tx.commit();
    tx = await txProducer.transaction();
    await tx.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: `t${i}`, value: `tx-abort-${i}` })) });
    await tx.abort();
    tx = await txProducer.transaction();
    await tx.send({ topic, messages: [0, 1].map((i) => ({ key: `u${i}`, value: `tx-commit2-${i}` })) });
    await tx.commit();
    log('transactions: committed 5 records + offsets, aborted 5, committed 2');

    // --- read-committed consumer group
    const expected = new Set([
      ...Array.from({ length: 10 }, (_, i) => `plain-${i}`),
      ...Array.from({ length: 5 }, (_, i) => `tx-commit-${i}`),
      'tx-commit2-0',
      'tx-commit2-1',
    ]);
    const seen = [];
    consumer = kafka.consumer({ groupId: readerGroup, readUncommitted: false, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
      },
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < expected.size && Date.now() < deadline) await sleep(100);
    await sleep(1000); // anything aborted or duplicated would show up by now
    await consumer.disconnect();
    consumer = undefined;
    const aborted = seen.filter((v) => v.startsWith('tx-abort'));
    check(aborted.length === 0, `read-committed consumer saw aborted records: ${aborted.join(',')}`);
    check(
      seen.length === expected.size && seen.every((v) => expected.has(v)),
      `consumer saw ${seen.length} records ${JSON.stringify(seen)}, expected ${expected.size}`,
    );
    log(`consumer group ${readerGroup} read ${seen.length} committed records, no aborted ones`);

    // --- admin: groups and offsets
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId);
    check(groupIds.includes(readerGroup), `listGroups lacks ${readerGroup}: ${groupIds}`);
    const txnOffsets = await admin.fetchOffsets({ groupId: txnGroup, topics: [topic] });
    const got = Object.fromEntries(txnOffsets[0].partitions.map((p) => [p.partition, p.offset]));
    for (const { partition, offset } of sentOffsets) {
      check(got[partition] === offset, `txn group offset p${partition}=${got[partition]}, expected ${offset}`);
    }
    const readerOffsets = await admin.fetchOffsets({ groupId: readerGroup, topics: [topic] });
    const committedTotal = readerOffsets[0].partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    // Log-end offsets include transaction markers, so they exceed the record count.
    check(committedTotal >= expected.size, `reader group committed offsets sum to ${committedTotal}`);
    log(`listGroups ok; fetchOffsets ok (txn group ${JSON.stringify(got)}, reader group sum ${committedTotal})`);
    await admin.deleteGroups([readerGroup, txnGroup]);
  } finally {
    if (consumer) await consumer.disconnect().catch(() => {});
    for (const p of producers) await p.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic, compacted] }).catch((e) => {
      console.error(`[smoke] could not delete topics: ${e.message}`);
      process.exitCode = 1;
    });
    await admin.disconnect();
  }
  log(`deleted topics ${topic}, ${compacted}`);
}

async function smokeRegistry(url) {
  const ct = 'application/vnd.schemaregistry.v1+json';
  const schema = JSON.stringify({
    type: 'record',
    name: 'Smoke',
    namespace: 'vigil.smoke',
    fields: [{ name: 'id', type: 'string' }],
  });
  const curl = (...args) => execFileSync('curl', ['-sS', '--fail-with-body', '--max-time', '10', ...args]).toString();
  const config = JSON.parse(curl(`${url}/config`));
  check((config.compatibilityLevel ?? config.compatibility) === 'BACKWARD', `global compatibility ${JSON.stringify(config)}`);
  const { id } = JSON.parse(
    curl('-X', 'POST', '-H', `Content-Type: ${ct}`, '-d', JSON.stringify({ schema }), `${url}/subjects/smoke-value/versions`),
  );
  check(Number.isInteger(id), `register returned id ${id}`);
  const fetched = JSON.parse(curl(`${url}/schemas/ids/${id}`));
  check(JSON.parse(fetched.schema).name === 'Smoke', `schema ${id} reads back as ${fetched.schema}`);
  // BACKWARD must reject a new required field without default.
  const incompatible = JSON.stringify({
    type: 'record',
    name: 'Smoke',
    namespace: 'vigil.smoke',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'required', type: 'int' },
    ],
  });
  const code = execFileSync('curl', [
    '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '-X', 'POST',
    '-H', `Content-Type: ${ct}`, '-d', JSON.stringify({ schema: incompatible }), `${url}/subjects/smoke-value/versions`,
  ]).toString();
  check(code === '409', `incompatible schema answered HTTP ${code}, expected 409`);
  log(`registry: registered smoke-value as id ${id}, fetched it back; incompatible change rejected (409)`);
}

function smokePostgres(databaseUrl) {
  const version = execFileSync('psql', [databaseUrl, '-tAc', 'select version()'], { timeout: 10_000 })
    .toString()
    .trim();
  check(version.startsWith('PostgreSQL'), `select version() returned ${version}`);
  log(`postgres: ${version.split(' on ')[0]}`);
}

async function main() {
  loadEnv();
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const registry = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
  const db = process.env.DATABASE_URL ?? 'postgres://vigil:vigil@127.0.0.1:55432/vigil';
  smokePostgres(db);
  await smokeRegistry(registry);
  await smokeKafka(brokers);
  log('all checks passed');
}

main().then(
  () => {
    clearTimeout(watchdog);
    process.exit(process.exitCode ?? 0);
  },
  (err) => {
    console.error(`[smoke] FAILED: ${err.stack ?? err}`);
    process.exit(1);
  },
);
