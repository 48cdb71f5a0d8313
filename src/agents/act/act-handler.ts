import type { Logger } from 'pino';
import type { IncidentNotification, Notifier } from '../../actions/notifiers/notifier.js';
import { type PolicySet, selectPolicy } from '../../actions/policies.js';
import {
  type ApprovalPort,
  noApprovals,
  type RecoveryVerifier,
} from '../../actions/runbooks/recovery-verifier.js';
import type { RunbookCatalog } from '../../actions/runbooks/runbook-catalog.js';
import type { RunbookExecutor, StepOutcome } from '../../actions/runbooks/runbook-executor.js';
import {
  advanceRunbook,
  planRunbook,
  type RunbookEffect,
  type RunbookInput,
  type RunbookRun,
  type RunbookTransition,
} from '../../actions/runbooks/runbook-lifecycle.js';
import type { KeyedState, StageHandler, StageOutput } from '../../consumers/stage.js';
import type { ActionEvent, ActionKind, ActionStatus } from '../../model/action-event.js';
import type { HypothesisEvent } from '../../model/hypothesis-event.js';
import type { IncidentStatus, IncidentStore } from '../../storage/incident-store.js';
import {
  type ActState,
  freshIncidentState,
  type IncidentActState,
  PARTITION_INDEX_KEY,
  type PartitionIndexState,
} from './act-state.js';
import { actionEventId, incidentFingerprint } from './action-event-id.js';

/** Schema name of the events the action stage writes. */
export const ACTION_SCHEMA = 'ActionEvent';

/** Behaviour settings of the handler (a subset of the `act` settings). */
export interface ActHandlerSettings {
  readonly cooldownMs: number;
  readonly dryRun: boolean;
  readonly approvalAboveBlastRadius: number;
  readonly verifyWithinMs: number;
}

/** Ports and settings of {@link createActHandler}. */
export interface ActHandlerOptions {
  readonly actionsTopic: string;
  readonly policies: PolicySet;
  readonly runbooks: RunbookCatalog;
  /** By target (`slack`, `pagerduty`, `webhook:<name>`). */
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly executor: RunbookExecutor;
  readonly verifier: RecoveryVerifier;
  /** Should be guarded (timeouts + breaker, see `guardIncidentStore`): its failures are logged, not fatal. */
  readonly store: IncidentStore;
  readonly approvals?: ApprovalPort;
  /** Wall clock for `atMs` (ms since epoch). Dedup, cooldown and verification use event time instead. */
  readonly clock: () => number;
  readonly settings: ActHandlerSettings;
  readonly logger?: Logger;
}

const MAX_RECURRENCES = 32;

/** Incident status implied by a runbook run. */
export function incidentStatusOf(run: RunbookRun | null): IncidentStatus {
  switch (run?.phase) {
    case 'awaiting-approval':
      return 'awaiting-approval';
    case 'executing':
    case 'verifying':
    case 'rolling-back':
      return 'remediating';
    case 'recovered':
      return 'resolved';
    case 'rolled-back':
    case 'failed':
      return 'escalated';
    default:
      return 'open';
  }
}

/**
 * The action stage's logic. For each hypothesis event (one incident revision):
 * 1. records the incident, trigger anomaly, context and hypotheses in the incident store;
 * 2. picks the first matching policy and notifies its targets — the first page once per target, later
 *    revisions as `alert-update` at most once per `cooldownMs` of event time, otherwise `suppressed`;
 * 3. plans the policy's runbook once per incident and drives its lifecycle (dry-run, approval, simulated
 *    execution, verification, rollback);
 * 4. settles verification deadlines of other incidents of the partition that the event-time watermark
 *    has passed.
 * Every step becomes an ActionEvent keyed by incident id. Slow or failing ports never throw out of the
 * handler: a failed notification is a `failed` event, a failing store is logged.
 */
export function createActHandler(options: ActHandlerOptions): StageHandler<HypothesisEvent, ActState> {
  const { policies, runbooks, notifiers, executor, verifier, store, clock, settings, logger } = options;
  const approvals = options.approvals ?? noApprovals;

  async function safely<T>(what: string, call: () => Promise<T> | T, fallback: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      logger?.warn({ err: error, what }, `act: ${what} failed; going on`);
      return fallback;
    }
  }

  function actionFactory(incidentId: string, revision: number, out: ActionEvent[]) {
    return (
      kind: ActionKind,
      target: string,
      status: ActionStatus,
      detail: string,
      extra: { attempts?: number; runbook?: string | null; step?: string | null } = {},
    ) => {
      const step = extra.step ?? null;
      out.push({
        id: actionEventId({ incidentId, revision, kind, target, step, status }),
        incidentId,
        kind,
        target,
        status,
        detail,
        attempts: extra.attempts ?? 1,
        atMs: clock(),
        runbook: extra.runbook ?? null,
        step,
      });
    };
  }

  type Emit = ReturnType<typeof actionFactory>;

  async function performEffect(
    effect: RunbookEffect,
    run: RunbookRun,
    incidentId: string,
    eventTimeMs: number,
    emit: Emit,
  ): Promise<RunbookInput> {
    const runbook = runbooks.runbooks.get(run.runbookId);
    const stepOf = (name: string) => runbook?.steps.find((s) => s.name === name);
    const call = async (mode: 'dryRun' | 'execute' | 'rollback', name: string): Promise<StepOutcome> => {
      const step = stepOf(name);
      if (!runbook || !step)
        return { ok: false, detail: `step ${name} of ${run.runbookId} is no longer configured` };
      return safely(
        `runbook ${mode} ${run.runbookId}/${name}`,
        () => executor[mode]({ incidentId, runbook, step, target: run.target }),
        { ok: false, detail: `executor failed on ${name}` },
      );
    };
    const kind = {
      'dry-run': 'runbook-dry-run',
      execute: 'runbook-execute',
      rollback: 'runbook-rollback',
    } as const;
    const mode = { 'dry-run': 'dryRun', execute: 'execute', rollback: 'rollback' } as const;
    const completed: string[] = [];
    let failed: string | null = null;
    for (const name of effect.steps) {
      const outcome = await call(mode[effect.type], name);
      emit(kind[effect.type], run.target, outcome.ok ? 'ok' : 'failed', outcome.detail, {
        runbook: run.runbookId,
        step: name,
      });
      if (!outcome.ok) {
        failed = name;
        // A rollback goes on undoing the other steps; dry-run and execute stop at the first failure.
        if (effect.type !== 'rollback') break;
      } else {
        completed.push(name);
      }
    }
    switch (effect.type) {
      case 'dry-run':
        return { type: 'dry-run-done', ok: failed === null };
      case 'execute':
        return { type: 'executed', completedSteps: completed, failedStep: failed, atMs: eventTimeMs };
      case 'rollback':
        return {
          type: 'rolled-back',
          ok: failed === null,
          detail: failed === null ? 'rolled back' : `rollback of ${failed} failed`,
        };
    }
  }

  /** Publishes a transition's records and performs its effects until none is left. */
  async function drive(
    transition: RunbookTransition,
    incidentId: string,
    eventTimeMs: number,
    emit: Emit,
  ): Promise<RunbookRun> {
    let t = transition;
    for (;;) {
      for (const r of t.records)
        emit(r.kind, t.run.target, r.status, r.detail, { runbook: t.run.runbookId, step: r.step });
      if (t.invalid) logger?.warn({ incidentId, invalid: t.invalid }, 'act: runbook input ignored');
      if (!t.effect) return t.run;
      const input = await performEffect(t.effect, t.run, incidentId, eventTimeMs, emit);
      t = advanceRunbook(t.run, input);
    }
  }

  async function verify(
    state: IncidentActState,
    watermarkMs: number,
    eventTimeMs: number,
    emit: Emit,
  ): Promise<RunbookRun | null> {
    const run = state.runbook;
    if (run?.phase !== 'verifying' || run.executedAtMs === null || run.deadlineMs === null) return run;
    const verdict = await safely(
      `verify ${state.incidentId}`,
      () =>
        verifier.verify({
          incidentId: state.incidentId,
          runbookId: run.runbookId,
          series: run.series,
          executedAtMs: run.executedAtMs!,
          deadlineMs: run.deadlineMs!,
          observedThroughMs: watermarkMs,
          recurrences: state.recurrences,
        }),
      { status: 'pending' } as const,
    );
    if (verdict.status === 'pending') return run;
    return drive(
      advanceRunbook(run, { type: 'verified', verdict: verdict.status, detail: verdict.detail }),
      state.incidentId,
      eventTimeMs,
      emit,
    );
  }

  function notification(
    event: HypothesisEvent,
    kind: IncidentNotification['kind'],
    policy: string,
    runbook: string | null,
  ): IncidentNotification {
    return {
      kind,
      fingerprint: incidentFingerprint(event.incident.id),
      incident: event.incident,
      revision: event.revision,
      hypotheses: event.hypotheses,
      rankedComponents: event.rankedComponents,
      similar: event.similar,
      policy,
      runbook,
      eventTimeMs: event.trigger.anomaly.timestampMs,
    };
  }

  async function notify(
    event: HypothesisEvent,
    state: IncidentActState,
    emit: Emit,
  ): Promise<IncidentActState> {
    const policy = selectPolicy(policies, event);
    if (!policy) {
      emit(
        'suppressed',
        'policy',
        'skipped',
        `no policy matches incident ${event.incident.id} (severity ${event.incident.severity})`,
      );
      return state;
    }
    const eventTimeMs = event.trigger.anomaly.timestampMs;
    const firstRound = state.lastNotifiedAtMs === null;
    const due = firstRound || eventTimeMs - state.lastNotifiedAtMs! >= settings.cooldownMs;
    const paged = new Set(state.paged);
    const sends: Array<{ target: string; kind: 'alert' | 'alert-update' }> = [];
    let unrouted = 0;
    for (const target of policy.notify) {
      const routed = notifiers.has(target);
      if (routed && !paged.has(target)) sends.push({ target, kind: 'alert' });
      else if (due && routed) sends.push({ target, kind: 'alert-update' });
      else if (due) {
        // No destination configured (the composition root allows this only when none at all is, e.g. the
        // demo): nothing is sent and nothing failed. Recorded once per notification round.
        unrouted++;
        emit('suppressed', target, 'skipped', `not sent: no ${target} destination configured`, {
          attempts: 0,
        });
      } else {
        const next = new Date(state.lastNotifiedAtMs! + settings.cooldownMs).toISOString();
        emit(
          'suppressed',
          target,
          'skipped',
          `cooldown: revision ${event.revision} not sent; next update allowed from ${next} (event time)`,
        );
      }
    }
    const results = await Promise.all(
      sends.map(async ({ target, kind }) => {
        const notifier = notifiers.get(target)!;
        return safely(
          `notify ${target}`,
          () => notifier.notify(notification(event, kind, policy.name, policy.runbook)),
          {
            ok: false,
            attempts: 1,
            httpStatus: null,
            detail: `${target} notifier threw`,
          },
        );
      }),
    );
    sends.forEach(({ target, kind }, i) => {
      const r = results[i]!;
      emit(kind, target, r.ok ? 'ok' : 'failed', r.detail, { attempts: r.attempts });
      if (r.ok && kind === 'alert') paged.add(target);
    });
    const notified = (sends.length > 0 || unrouted > 0) && due;
    return { ...state, paged: [...paged], lastNotifiedAtMs: notified ? eventTimeMs : state.lastNotifiedAtMs };
  }

  async function remediate(
    event: HypothesisEvent,
    state: IncidentActState,
    emit: Emit,
  ): Promise<IncidentActState> {
    const eventTimeMs = event.trigger.anomaly.timestampMs;
    const run = state.runbook;
    if (run === null) {
      const policy = selectPolicy(policies, event);
      const runbook = policy?.runbook ? runbooks.runbooks.get(policy.runbook) : undefined;
      if (!policy || !runbook) return state;
      const target =
        event.hypotheses[0]?.component ?? event.incident.components[0] ?? event.incident.correlationKey;
      const planned = planRunbook({
        runbookId: runbook.id,
        target,
        mode: policy.mode ?? (settings.dryRun ? 'dry-run' : 'execute'),
        blastRadius: runbook.blastRadius,
        approvalAboveBlastRadius: policy.approvalAboveBlastRadius ?? settings.approvalAboveBlastRadius,
        steps: runbook.steps.map((s) => s.name),
        series: event.incident.series,
        verifyWithinMs: runbook.verifyWithinMs ?? settings.verifyWithinMs,
      });
      return { ...state, runbook: await drive(planned, state.incidentId, eventTimeMs, emit) };
    }
    if (run.phase === 'awaiting-approval') {
      const decision = await safely(
        `approval ${state.incidentId}`,
        () =>
          approvals.decision({
            incidentId: state.incidentId,
            runbookId: run.runbookId,
            blastRadius: run.blastRadius,
          }),
        { status: 'pending' } as const,
      );
      if (decision.status === 'pending') return state;
      const input: RunbookInput = { type: decision.status, by: decision.by };
      return {
        ...state,
        runbook: await drive(advanceRunbook(run, input), state.incidentId, eventTimeMs, emit),
      };
    }
    if (run.phase === 'verifying' && run.executedAtMs !== null) {
      const anomaly = event.trigger.anomaly;
      if (run.series.includes(anomaly.series) && anomaly.timestampMs > run.executedAtMs) {
        const known = state.recurrences.some((r) => r.anomalyId === anomaly.id);
        if (!known && state.recurrences.length < MAX_RECURRENCES) {
          const recurrence = {
            anomalyId: anomaly.id,
            series: anomaly.series,
            timestampMs: anomaly.timestampMs,
          };
          return { ...state, recurrences: [...state.recurrences, recurrence] };
        }
      }
    }
    return state;
  }

  function toOutputs(actions: readonly ActionEvent[]): StageOutput[] {
    return actions.map((a) => ({
      topic: options.actionsTopic,
      key: a.incidentId,
      schema: ACTION_SCHEMA,
      value: a,
    }));
  }

  async function persist(
    incidentId: string,
    actions: readonly ActionEvent[],
    before: RunbookRun | null,
    after: RunbookRun | null,
  ) {
    if (actions.length > 0)
      await safely(`store actions of ${incidentId}`, () => store.recordActions(actions), undefined);
    const status = incidentStatusOf(after);
    if (status !== incidentStatusOf(before)) {
      await safely(
        `store status of ${incidentId}`,
        () => store.setIncidentStatus(incidentId, status),
        undefined,
      );
    }
  }

  /** Settles verification of other incidents whose deadline the watermark passed. */
  async function settleOthers(
    state: KeyedState<ActState>,
    index: PartitionIndexState,
    currentIncident: string,
  ): Promise<{ index: PartitionIndexState; outputs: StageOutput[] }> {
    const verifying = { ...index.verifying };
    const outputs: StageOutput[] = [];
    for (const [incidentId, deadlineMs] of Object.entries(index.verifying)) {
      if (incidentId === currentIncident || deadlineMs > index.watermarkMs) continue;
      const other = state.get(incidentId);
      if (other?.type !== 'incident' || other.runbook?.phase !== 'verifying') {
        delete verifying[incidentId];
        continue;
      }
      const actions: ActionEvent[] = [];
      const run = await verify(
        other,
        index.watermarkMs,
        index.watermarkMs,
        actionFactory(incidentId, other.lastRevision, actions),
      );
      state.set(incidentId, { ...other, runbook: run });
      if (run?.phase !== 'verifying') delete verifying[incidentId];
      await persist(incidentId, actions, other.runbook, run);
      outputs.push(...toOutputs(actions));
    }
    return { index: { ...index, verifying }, outputs };
  }

  return {
    async process(event, context) {
      const incidentId = event.incident.id;
      const stored = context.state.get(incidentId);
      const before: IncidentActState = stored?.type === 'incident' ? stored : freshIncidentState(incidentId);
      if (event.revision <= before.lastRevision) {
        logger?.debug({ incidentId, revision: event.revision }, 'act: revision already handled');
        return [];
      }
      await safely(`store hypotheses of ${incidentId}`, () => store.recordHypothesisEvent(event), undefined);

      const eventTimeMs = event.trigger.anomaly.timestampMs;
      const storedIndex = context.state.get(PARTITION_INDEX_KEY);
      let index: PartitionIndexState =
        storedIndex?.type === 'partition'
          ? storedIndex
          : { type: 'partition', watermarkMs: eventTimeMs, verifying: {} };
      index = { ...index, watermarkMs: Math.max(index.watermarkMs, eventTimeMs) };

      const actions: ActionEvent[] = [];
      const emit = actionFactory(incidentId, event.revision, actions);
      let state: IncidentActState = { ...before, lastRevision: event.revision };
      state = await notify(event, state, emit);
      state = await remediate(event, state, emit);
      state = { ...state, runbook: await verify(state, index.watermarkMs, eventTimeMs, emit) };
      context.state.set(incidentId, state);
      await persist(incidentId, actions, before.runbook, state.runbook);

      const verifying = { ...index.verifying };
      if (state.runbook?.phase === 'verifying' && state.runbook.deadlineMs !== null)
        verifying[incidentId] = state.runbook.deadlineMs;
      else delete verifying[incidentId];
      const settled = await settleOthers(context.state, { ...index, verifying }, incidentId);
      context.state.set(PARTITION_INDEX_KEY, settled.index);
      return [...toOutputs(actions), ...settled.outputs];
    },
  };
}
