import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createNotifiers } from '../../../src/actions/notifiers/create-notifiers.js';
import type { ApprovalDecision } from '../../../src/actions/runbooks/recovery-verifier.js';
import type { createRecordingExecutor } from '../../../src/actions/runbooks/runbook-executor.js';
import { deserializeActState } from '../../../src/agents/act/act-state.js';
import { incidentFingerprint } from '../../../src/agents/act/action-event-id.js';
import { guardIncidentStore } from '../../../src/storage/guarded-incident-store.js';
import type { IncidentStore } from '../../../src/storage/incident-store.js';
import { hypothesisEvent, T0 } from '../../actions/support/hypothesis-fixture.js';
import { FakeNotifier, type MemoryStore, startActStage, summary, TOPICS } from './act-stage-fixture.js';

const MIN = 60_000;

describe('act stage (in-memory driver)', () => {
  it('three revisions of one incident: one page per target, updates suppressed in cooldown, dry-run runbook in order', async () => {
    const stage = await startActStage();
    await stage.pipe(
      hypothesisEvent({ revision: 1, atMs: T0 }),
      hypothesisEvent({ revision: 2, atMs: T0 + MIN }),
      hypothesisEvent({ revision: 3, atMs: T0 + 2 * MIN }),
    );
    const actions = await stage.actions();
    expect(summary(actions)).toEqual([
      'alert/pagerduty/ok',
      'alert/slack/ok',
      'runbook-plan/checkout-db/ok',
      'runbook-dry-run/checkout-db/ok/drain',
      'runbook-dry-run/checkout-db/ok/restart',
      'runbook-dry-run/checkout-db/ok/undrain',
      'suppressed/pagerduty/skipped',
      'suppressed/slack/skipped',
      'suppressed/pagerduty/skipped',
      'suppressed/slack/skipped',
    ]);
    const [pd, slack] = stage.notifiers as FakeNotifier[];
    expect(pd!.sent.map((n) => n.kind)).toEqual(['alert']);
    expect(slack!.sent.map((n) => n.kind)).toEqual(['alert']);
    expect(pd!.sent[0]!.fingerprint).toBe(incidentFingerprint('inc-1'));
    // dry-run is the default: nothing executed
    const log = (stage.executor as ReturnType<typeof createRecordingExecutor>).log;
    expect(log.map((l) => `${l.mode}:${l.step}`)).toEqual([
      'dry-run:drain',
      'dry-run:restart',
      'dry-run:undrain',
    ]);
    expect(actions.every((a) => a.incidentId === 'inc-1')).toBe(true);
    expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
    expect(actions[6]!.detail).toContain('cooldown');
    // every action is keyed by incident id and recorded in the store, with the hypotheses
    expect(stage.driver.read(TOPICS.actions).every((r) => r.key?.toString() === 'inc-1')).toBe(true);
    const store = stage.store as MemoryStore;
    expect(store.events.map((e) => e.revision)).toEqual([1, 2, 3]);
    expect(store.actions.map((a) => a.id)).toEqual(actions.map((a) => a.id));
    await stage.driver.stopAll();
  });

  it('updates at most once per cooldown, never re-pages, and ignores stale revisions', async () => {
    const stage = await startActStage();
    await stage.pipe(
      hypothesisEvent({ revision: 1, atMs: T0 }),
      hypothesisEvent({ revision: 2, atMs: T0 + 5 * MIN }),
      hypothesisEvent({ revision: 3, atMs: T0 + 11 * MIN }),
      hypothesisEvent({ revision: 4, atMs: T0 + 12 * MIN }),
      hypothesisEvent({ revision: 3, atMs: T0 + 11 * MIN }), // re-delivered upstream: ignored
      hypothesisEvent({ revision: 5, atMs: T0 + 25 * MIN }),
    );
    const notifications = summary(await stage.actions()).filter((s) => !s.startsWith('runbook'));
    expect(notifications).toEqual([
      'alert/pagerduty/ok',
      'alert/slack/ok',
      'suppressed/pagerduty/skipped',
      'suppressed/slack/skipped',
      'alert-update/pagerduty/ok',
      'alert-update/slack/ok',
      'suppressed/pagerduty/skipped',
      'suppressed/slack/skipped',
      'alert-update/pagerduty/ok',
      'alert-update/slack/ok',
    ]);
    const pd = stage.notifiers[0] as FakeNotifier;
    expect(pd.sent.map((n) => `${n.kind}@r${n.revision}`)).toEqual([
      'alert@r1',
      'alert-update@r3',
      'alert-update@r5',
    ]);
    expect(new Set(pd.sent.map((n) => n.fingerprint)).size).toBe(1);
    await stage.driver.stopAll();
  });

  it('keeps dedup state across a restart (restored from the changelog)', async () => {
    const stage = await startActStage();
    await stage.pipe(hypothesisEvent({ revision: 1, atMs: T0 }));
    await stage.driver.stopAll();
    const changelog = stage.driver.changelog(TOPICS.changelog);
    const state = deserializeActState(changelog.get('inc-1')!, 'inc-1');
    expect(state).toMatchObject({ type: 'incident', lastRevision: 1, paged: ['pagerduty', 'slack'] });
    await stage.driver.startInstance();
    await stage.pipe(hypothesisEvent({ revision: 2, atMs: T0 + 20 * MIN }));
    const kinds = summary(await stage.actions()).filter((s) => s.startsWith('alert'));
    expect(kinds).toEqual([
      'alert/pagerduty/ok',
      'alert/slack/ok',
      'alert-update/pagerduty/ok',
      'alert-update/slack/ok',
    ]);
    await stage.driver.stopAll();
  });

  it('a failing notifier gives a failed action event, the record completes, and the page is retried next revision', async () => {
    let calls = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.writeHead(calls <= 3 ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack`;
    const notifiers = createNotifiers({
      allowedHosts: ['127.0.0.1'],
      allowPlainHttp: true,
      slack: { webhookUrl: url },
      webhooks: {},
      timeoutMs: 500,
      deliveryBudgetMs: 5_000,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      breaker: {
        errorThresholdPercentage: 90,
        volumeThreshold: 10,
        resetTimeoutMs: 60_000,
        rollingWindowMs: 60_000,
      },
    });
    const slack = notifiers.get('slack')!;
    const stage = await startActStage({ notifiers: [slack, new FakeNotifier('pagerduty')] });
    try {
      await stage.pipe(hypothesisEvent({ revision: 1, atMs: T0, cause: 'disk full' }));
      await stage.pipe(hypothesisEvent({ revision: 2, atMs: T0 + MIN, cause: 'disk full' }));
      const actions = await stage.actions();
      expect(summary(actions)).toEqual(['alert/slack/failed', 'alert/slack/ok']);
      expect(actions[0]!.attempts).toBe(3);
      expect(actions[0]!.detail).toContain('HTTP 500 from slack');
      expect(calls).toBe(4);
    } finally {
      slack.shutdown();
      await stage.driver.stopAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('requires approval above the blast radius and executes once approved', async () => {
    const decisions: ApprovalDecision[] = [{ status: 'pending' }, { status: 'approved', by: 'alice' }];
    const stage = await startActStage({
      settings: { dryRun: false },
      approvals: { decision: () => decisions.shift() ?? { status: 'pending' } },
    });
    const region = (revision: number, atMs: number) =>
      hypothesisEvent({ incidentId: 'inc-r', revision, atMs, cause: 'region outage' });
    await stage.pipe(region(1, T0));
    expect(summary(await stage.actions())).toEqual([
      'alert/slack/ok',
      'runbook-plan/checkout-db/ok',
      'runbook-dry-run/checkout-db/ok/failover',
      'approval-required/checkout-db/pending',
    ]);
    await stage.pipe(region(2, T0 + MIN), region(3, T0 + 2 * MIN));
    const after = summary(await stage.actions()).slice(4);
    expect(after).toEqual([
      'suppressed/slack/skipped',
      'suppressed/slack/skipped',
      'approval-required/checkout-db/ok',
      'runbook-execute/checkout-db/ok/failover',
    ]);
    const store = stage.store as MemoryStore;
    expect(store.statuses.map(([, s]) => s)).toEqual(['awaiting-approval', 'remediating']);
    await stage.driver.stopAll();
  });

  it('executes within the blast radius and rolls back in reverse when the series is anomalous again before the deadline', async () => {
    const stage = await startActStage({ settings: { dryRun: false } });
    await stage.pipe(hypothesisEvent({ revision: 1, atMs: T0 }));
    await stage.pipe(
      hypothesisEvent({ revision: 2, atMs: T0 + 5 * MIN, anomalySeries: 'checkout.db.connections' }),
    );
    const runbook = summary(await stage.actions()).filter(
      (s) => !s.startsWith('alert') && !s.startsWith('suppressed'),
    );
    expect(runbook).toEqual([
      'runbook-plan/checkout-db/ok',
      'runbook-dry-run/checkout-db/ok/drain',
      'runbook-dry-run/checkout-db/ok/restart',
      'runbook-dry-run/checkout-db/ok/undrain',
      'runbook-execute/checkout-db/ok/drain',
      'runbook-execute/checkout-db/ok/restart',
      'runbook-execute/checkout-db/ok/undrain',
      'runbook-verify/checkout-db/failed',
      'runbook-rollback/checkout-db/ok/undrain',
      'runbook-rollback/checkout-db/ok/restart',
      'runbook-rollback/checkout-db/ok/drain',
    ]);
    const log = (stage.executor as ReturnType<typeof createRecordingExecutor>).log;
    expect(log.filter((l) => l.mode === 'rollback').map((l) => l.description)).toEqual([
      'nothing to undo for undrain',
      'simulated restart checkout-db (what=pool-again)',
      'simulated undrain checkout-db',
    ]);
    expect((stage.store as MemoryStore).statuses.map(([, s]) => s)).toEqual(['remediating', 'escalated']);
    await stage.driver.stopAll();
  });

  it('verifies recovery when the watermark (another incident on the partition) passes the deadline', async () => {
    const stage = await startActStage({ settings: { dryRun: false } });
    await stage.pipe(hypothesisEvent({ revision: 1, atMs: T0 }));
    // another incident, before the deadline (10 min): still pending
    await stage.pipe(
      hypothesisEvent({ incidentId: 'other', revision: 1, atMs: T0 + 9 * MIN, cause: 'disk full' }),
    );
    expect(summary(await stage.actions()).filter((s) => s.startsWith('runbook-verify'))).toEqual([]);
    // past the deadline, no anomaly on checkout's series since execution: recovered
    await stage.pipe(
      hypothesisEvent({ incidentId: 'other', revision: 2, atMs: T0 + 11 * MIN, cause: 'disk full' }),
    );
    const actions = await stage.actions();
    const verify = actions.filter((a) => a.kind === 'runbook-verify');
    expect(summary(verify)).toEqual(['runbook-verify/checkout-db/ok']);
    expect(verify[0]!.incidentId).toBe('inc-1');
    expect(summary(actions).some((s) => s.startsWith('runbook-rollback'))).toBe(false);
    expect((stage.store as MemoryStore).statuses).toContainEqual(['inc-1', 'resolved']);
    await stage.driver.stopAll();
  });

  it('a hanging store does not stall the partition (guarded with a timeout)', async () => {
    const never = () => new Promise<never>(() => {});
    const hanging: IncidentStore = {
      recordHypothesisEvent: never,
      recordActions: never,
      setIncidentStatus: never,
      listIncidents: never,
      incidentTimeline: never,
      close: async () => {},
    };
    const store = guardIncidentStore(hanging, {
      timeoutMs: 50,
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      resetTimeoutMs: 60_000,
      rollingWindowMs: 60_000,
    });
    const stage = await startActStage({ store });
    const started = Date.now();
    await stage.pipe(
      hypothesisEvent({ revision: 1, atMs: T0 }),
      hypothesisEvent({ revision: 2, atMs: T0 + MIN }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(summary(await stage.actions()).filter((s) => s.startsWith('alert'))).toEqual([
      'alert/pagerduty/ok',
      'alert/slack/ok',
    ]);
    expect(store.breakerState()).toBe('open');
    await store.close();
    await stage.driver.stopAll();
  });

  it('dead-letters a record that is not a hypothesis event and goes on', async () => {
    const stage = await startActStage();
    await stage.driver.pipe([{ topic: TOPICS.hypotheses, key: 'x', value: Buffer.from('{"not":"avro"}') }]);
    await stage.pipe(hypothesisEvent({ revision: 1, atMs: T0, cause: 'disk full' }));
    expect(stage.driver.read(TOPICS.dlq)).toHaveLength(1);
    expect(summary(await stage.actions())).toEqual(['alert/slack/ok']);
    await stage.driver.stopAll();
  });
});
