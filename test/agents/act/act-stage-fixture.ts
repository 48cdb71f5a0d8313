import type { DeliveryResult } from '../../../src/actions/notifiers/http-delivery.js';
import type { IncidentNotification, Notifier } from '../../../src/actions/notifiers/notifier.js';
import { parsePolicies } from '../../../src/actions/policies.js';
import { type ApprovalPort, eventTimeVerifier } from '../../../src/actions/runbooks/recovery-verifier.js';
import { parseRunbooks } from '../../../src/actions/runbooks/runbook-catalog.js';
import {
  createRecordingExecutor,
  type RunbookExecutor,
} from '../../../src/actions/runbooks/runbook-executor.js';
import { actBinding } from '../../../src/agents/act/act-binding.js';
import type { ActHandlerSettings } from '../../../src/agents/act/act-handler.js';
import { createCodecs } from '../../../src/app/codecs.js';
import { loadConfig } from '../../../src/config/app-config.js';
import { StageDriver } from '../../../src/consumers/stage-driver.js';
import type { ActionEvent } from '../../../src/model/action-event.js';
import type { HypothesisEvent } from '../../../src/model/hypothesis-event.js';
import type { IncidentStatus, IncidentStore } from '../../../src/storage/incident-store.js';

export const codecs = createCodecs(loadConfig({ env: {} }));

export const TOPICS = {
  hypotheses: 'hypotheses',
  dlq: 'hypotheses.dlq',
  actions: 'actions',
  changelog: 'vigil-act.act.changelog',
} as const;

/** Policies of the stage tests: db incidents page and run `pool`; `failover` needs approval. */
export const testPolicies = parsePolicies(
  {
    policies: [
      {
        name: 'db',
        match: { causePattern: 'connection pool' },
        notify: ['pagerduty', 'slack'],
        runbook: 'pool',
      },
      { name: 'region', match: { causePattern: 'region' }, notify: ['slack'], runbook: 'failover' },
      { name: 'default', notify: ['slack'] },
    ],
  },
  'test policies',
);

export const testRunbooks = parseRunbooks(
  {
    runbooks: [
      {
        id: 'pool',
        blastRadius: 0.2,
        verifyWithinMs: 600_000,
        steps: [
          { name: 'drain', action: 'drain', params: { percent: 25 }, undo: { action: 'undrain' } },
          {
            name: 'restart',
            action: 'restart',
            params: { what: 'pool' },
            undo: { action: 'restart', params: { what: 'pool-again' } },
          },
          { name: 'undrain', action: 'undrain' },
        ],
      },
      {
        id: 'failover',
        blastRadius: 0.9,
        steps: [{ name: 'failover', action: 'failover', undo: { action: 'failback' } }],
      },
    ],
  },
  'test runbooks',
);

/** A notifier that records what it was asked and answers from a script (default ok). */
export class FakeNotifier implements Notifier {
  readonly sent: IncidentNotification[] = [];
  constructor(
    readonly target: string,
    readonly answers: DeliveryResult[] = [],
  ) {}
  async notify(n: IncidentNotification): Promise<DeliveryResult> {
    this.sent.push(n);
    return (
      this.answers.shift() ?? {
        ok: true,
        attempts: 1,
        httpStatus: 200,
        detail: `HTTP 200 from ${this.target}`,
      }
    );
  }
  shutdown(): void {}
}

/** An incident store that only remembers calls. */
export class MemoryStore implements IncidentStore {
  readonly events: HypothesisEvent[] = [];
  readonly actions: ActionEvent[] = [];
  readonly statuses: Array<[string, IncidentStatus]> = [];
  async recordHypothesisEvent(event: HypothesisEvent) {
    this.events.push(event);
  }
  async recordActions(actions: readonly ActionEvent[]) {
    this.actions.push(...actions);
  }
  async setIncidentStatus(id: string, status: IncidentStatus) {
    this.statuses.push([id, status]);
  }
  async listIncidents() {
    return { items: [], nextCursor: null };
  }
  async incidentTimeline() {
    return null;
  }
  async close() {}
}

export interface StageSetup {
  readonly settings?: Partial<ActHandlerSettings>;
  readonly notifiers?: Notifier[];
  readonly store?: IncidentStore;
  readonly executor?: RunbookExecutor;
  readonly approvals?: ApprovalPort;
}

/** A driver running the act stage on one partition (so incidents share the event-time watermark). */
export async function startActStage(setup: StageSetup = {}) {
  const notifiers = setup.notifiers ?? [new FakeNotifier('pagerduty'), new FakeNotifier('slack')];
  const store = setup.store ?? new MemoryStore();
  const executor = setup.executor ?? createRecordingExecutor();
  let tick = 0;
  const binding = actBinding({
    groupId: 'vigil-act',
    hypothesesTopic: TOPICS.hypotheses,
    deadLetterTopic: TOPICS.dlq,
    changelogTopic: TOPICS.changelog,
    actionsTopic: TOPICS.actions,
    decoder: codecs.eventDecoder,
    failurePolicy: { decode: 'dead-letter', handler: 'dead-letter', produce: 'retry' },
    policies: testPolicies,
    runbooks: testRunbooks,
    notifiers: new Map(notifiers.map((n) => [n.target, n])),
    executor,
    verifier: eventTimeVerifier,
    store,
    ...(setup.approvals ? { approvals: setup.approvals } : {}),
    clock: () => 1_000_000 + tick++,
    settings: {
      cooldownMs: 600_000,
      dryRun: true,
      approvalAboveBlastRadius: 0.25,
      verifyWithinMs: 300_000,
      ...setup.settings,
    },
  });
  const driver = await StageDriver.create({
    binding,
    encodeOutput: codecs.encodeOutput,
    topics: [
      { name: TOPICS.hypotheses, partitions: 1 },
      { name: TOPICS.dlq, partitions: 1 },
      { name: TOPICS.actions, partitions: 1 },
      { name: TOPICS.changelog, partitions: 1, compacted: true },
    ],
  });
  await driver.startInstance();

  const pipe = async (...events: HypothesisEvent[]) => {
    const records = [];
    for (const e of events) {
      records.push({
        topic: TOPICS.hypotheses,
        key: e.incident.id,
        value: await codecs.eventEncoder.encode(TOPICS.hypotheses, 'HypothesisEvent', e),
      });
    }
    await driver.pipe(records);
    await driver.drain();
  };
  const actions = async (): Promise<ActionEvent[]> => {
    const out: ActionEvent[] = [];
    for (const r of driver.read(TOPICS.actions))
      out.push((await codecs.eventDecoder.decode(r.value!)) as ActionEvent);
    return out;
  };
  return { driver, notifiers, store, executor, pipe, actions };
}

/** `kind/target/status[/step]` of each action, for compact assertions. */
export const summary = (actions: readonly ActionEvent[]): string[] =>
  actions.map((a) => [a.kind, a.target, a.status, ...(a.step ? [a.step] : [])].join('/'));
