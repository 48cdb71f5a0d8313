import type { ReadinessCheck } from '../api/api-deps.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import type { SqlClient } from '../storage/sql-client.js';
import type { VectorStore } from '../vector-store/vector-store.js';

/** An id no incident has: reading it exercises the vector store without changing it. */
const PROBE_ID = 'vigil-readiness-probe';

async function httpOk(url: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { signal });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`);
}

/**
 * The readiness checks of an API process: the event log (Kafka: list the topics; embedded: always up),
 * the schema registry when one is configured (`GET <url>/subjects`), the incident store (`SELECT 1` on
 * PostgreSQL or PGlite) and the vector store of the incident memory (a read by id; Qdrant also answers
 * `/readyz`).
 */
export function apiReadinessChecks(deps: {
  readonly config: Pick<AppConfig, 'schemaRegistry' | 'memory'>;
  readonly backend: LogBackend;
  readonly storeClient: SqlClient;
  readonly vectorStore: VectorStore;
}): ReadinessCheck[] {
  const { config, backend, storeClient, vectorStore } = deps;
  const checks: ReadinessCheck[] = [
    {
      name: backend.kind === 'kafka' ? 'kafka' : 'event-log (embedded)',
      check: async () => {
        await backend.admin().listTopics();
      },
    },
  ];
  const registryUrl = config.schemaRegistry.url;
  if (registryUrl) {
    checks.push({
      name: 'schema-registry',
      check: (signal) => httpOk(`${registryUrl.replace(/\/+$/, '')}/subjects`, signal),
    });
  }
  checks.push({
    name: storeClient.kind === 'postgres' ? 'postgresql' : 'incident-store (pglite)',
    check: async () => {
      await storeClient.query('SELECT 1');
    },
  });
  const qdrantUrl =
    config.memory.vectorStore.backend === 'qdrant' ? config.memory.vectorStore.qdrantUrl : undefined;
  checks.push({
    name: `vector-store (${vectorStore.backend})`,
    check: async (signal) => {
      if (qdrantUrl) await httpOk(`${qdrantUrl.replace(/\/+$/, '')}/readyz`, signal);
      await vectorStore.get([PROBE_ID]);
    },
  });
  return checks;
}
