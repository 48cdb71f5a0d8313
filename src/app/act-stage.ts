import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { createNotifiers, type DeliveryHooks } from '../actions/notifiers/create-notifiers.js';
import type { Notifier } from '../actions/notifiers/notifier.js';
import { checkPolicyReferences, loadPoliciesFile } from '../actions/policies.js';
import { eventTimeVerifier } from '../actions/runbooks/recovery-verifier.js';
import { loadRunbooksFile } from '../actions/runbooks/runbook-catalog.js';
import { createRecordingExecutor } from '../actions/runbooks/runbook-executor.js';
import { actBinding } from '../agents/act/act-binding.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import { createCallTimer, timedFetch, timedIncidentStore } from '../observability/instrumented-ports.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import { type GuardedIncidentStore, guardIncidentStore } from '../storage/guarded-incident-store.js';
import type { IncidentStore } from '../storage/incident-store.js';
import { type IncidentStoreTarget, openIncidentStore } from '../storage/open-incident-store.js';
import type { Codecs } from './codecs.js';
import { createConfiguredRunner } from './configured-runner.js';
import { closeOnce, type PipelineStage } from './pipeline-stage.js';
import { resolveSettingsPath } from './shipped-file.js';

/**
 * What the act stage is built from; `incidentStore` replaces the configured one (and stays open after
 * `shutdown`: the caller owns it), `notifierHooks` go to every delivery.
 */
export interface ActStageDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  readonly incidentStore?: IncidentStore;
  readonly notifierHooks?: DeliveryHooks;
  /** Wall clock of the action events' `atMs` (default `Date.now`). */
  readonly clock?: () => number;
  /** Record spans and notifier / database call spans (off when absent or disabled). */
  readonly tracing?: Tracing | undefined;
  /** Stage metrics, notifier and database call latencies, the store's breaker state. */
  readonly metrics?: VigilMetrics | undefined;
}

/** The act stage plus what it was configured with. */
export interface ActStage extends PipelineStage {
  /** The guarded incident store the stage writes (open until `shutdown`). */
  readonly store: GuardedIncidentStore;
  /** Configured notification targets (`slack`, `pagerduty`, `webhook:<name>`); empty = none configured. */
  readonly notifierTargets: readonly string[];
  /** Where the incident store lives, for logs: `postgres`, `pglite (in memory)` or `pglite (<dir>)`. */
  readonly storeLocation: string;
}

/** Where the configuration puts the incident store: `DATABASE_URL`, else PGlite (in memory on the embedded log). */
export function incidentStoreTarget(config: Pick<AppConfig, 'mode' | 'storage'>): IncidentStoreTarget {
  const { storage } = config;
  if (storage.databaseUrl) {
    return {
      kind: 'postgres',
      connectionString: storage.databaseUrl,
      ...(storage.schema ? { schema: storage.schema } : {}),
    };
  }
  return config.mode === 'embedded' ? { kind: 'pglite' } : { kind: 'pglite', dataDir: storage.dataDir };
}

function describeTarget(target: IncidentStoreTarget): string {
  if (target.kind === 'postgres') return 'postgres';
  return target.dataDir ? `pglite (${target.dataDir})` : 'pglite (in memory)';
}

/**
 * Builds the act stage (not started): policies and runbooks (checked against each other and against the
 * configured notifiers with `checkPolicyReferences`), one notifier per configured destination (URLs checked
 * against the allow-list), the simulated runbook executor, the event-time recovery verifier, and the
 * incident store (opened and migrated here), guarded by a timeout and a breaker.
 *
 * With no destination configured at all (the embedded demo, a first try), the stage still runs: every
 * alert a policy asks for is recorded as `suppressed` / `skipped` ("not sent: no slack destination
 * configured"), and only the runbook references are checked. With at least one destination configured, a
 * policy naming a destination that is not configured stops startup.
 */
export async function createActStage(deps: ActStageDeps): Promise<ActStage> {
  const { config, backend, codecs, logger } = deps;
  const settings = config.act;
  const names = config.topics.names;
  const policies = loadPoliciesFile(resolveSettingsPath(settings.policiesFile, 'config/policies.yaml'));
  const runbooks = loadRunbooksFile(resolveSettingsPath(settings.runbooksFile, 'config/runbooks.yaml'));
  const runbookIds = new Set(runbooks.runbooks.keys());
  const { metrics } = deps;
  const observed = metrics !== undefined || deps.tracing?.tracer !== undefined;
  const time = createCallTimer(metrics?.dependencies, deps.tracing?.tracer);
  const hooks = deps.notifierHooks ?? {};
  // Every URL is checked (allow-list, https) before anything opens.
  const notifiers: Map<string, Notifier> = createNotifiers(
    settings.notifiers,
    observed ? { ...hooks, fetch: timedFetch(hooks.fetch ?? fetch, 'notifier', time) } : hooks,
  );
  const stopNotifiers = () => {
    for (const notifier of notifiers.values()) notifier.shutdown();
  };
  try {
    if (notifiers.size > 0) {
      checkPolicyReferences(policies, new Set(notifiers.keys()), runbookIds);
    } else {
      checkPolicyReferences(policies, new Set(policies.policies.flatMap((p) => p.notify)), runbookIds);
      logger.warn(
        { stage: 'act' },
        'no notification destination configured (SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY, VIGIL_WEBHOOK_URL): alerts are recorded as not sent',
      );
    }
  } catch (error) {
    stopNotifiers();
    throw error;
  }
  const target = incidentStoreTarget(config);
  let raw: IncidentStore;
  try {
    if (deps.incidentStore) {
      // The caller owns an injected store: the stage's shutdown leaves it open.
      const injected = deps.incidentStore;
      raw = {
        recordHypothesisEvent: (event) => injected.recordHypothesisEvent(event),
        recordActions: (actions) => injected.recordActions(actions),
        setIncidentStatus: (id, status) => injected.setIncidentStatus(id, status),
        listIncidents: (query) => injected.listIncidents(query),
        incidentTimeline: (id) => injected.incidentTimeline(id),
        close: async () => {},
      };
    } else {
      if (target.kind === 'pglite' && target.dataDir) mkdirSync(target.dataDir, { recursive: true });
      const opened = await openIncidentStore(target);
      raw = opened.store;
      if (opened.client.pool) metrics?.dependencies.watchPool('incident-store', opened.client.pool);
    }
  } catch (error) {
    stopNotifiers();
    throw error;
  }
  const store = guardIncidentStore(observed ? timedIncidentStore(raw, time) : raw, {
    timeoutMs: settings.store.timeoutMs,
    ...settings.store.breaker,
  });
  metrics?.dependencies.watchBreaker('database', () => store.breakerState());
  const binding = actBinding({
    groupId: settings.groupId,
    hypothesesTopic: names.hypotheses,
    deadLetterTopic: names.hypothesesDeadLetter,
    changelogTopic: names.actChangelog,
    decoder: codecs.eventDecoder,
    failurePolicy: settings.failurePolicy,
    actionsTopic: names.actions,
    policies,
    runbooks,
    notifiers,
    executor: createRecordingExecutor(),
    verifier: eventTimeVerifier,
    store,
    clock: deps.clock ?? Date.now,
    settings: {
      cooldownMs: settings.cooldownMs,
      dryRun: settings.dryRun,
      approvalAboveBlastRadius: settings.approvalAboveBlastRadius,
      verifyWithinMs: settings.verifyWithinMs,
    },
    logger: logger.child({ stage: 'act' }),
  });
  const runner = createConfiguredRunner({
    config,
    backend,
    binding,
    codecs,
    logger,
    tracing: deps.tracing,
    metrics,
  });
  return {
    name: 'act',
    groupId: settings.groupId,
    inputTopic: names.hypotheses,
    runner,
    store,
    notifierTargets: [...notifiers.keys()],
    storeLocation: deps.incidentStore ? 'injected' : describeTarget(target),
    shutdown: closeOnce([stopNotifiers, () => store.close()]),
  };
}
