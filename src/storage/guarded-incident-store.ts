import CircuitBreaker from 'opossum';
import { VigilError } from '../errors.js';
import type { IncidentStore } from './incident-store.js';

/** Timeout and breaker of the store calls made from a stage. */
export interface StoreGuardSettings {
  /** Per-call timeout (ms). The call is abandoned (not cancelled) when it expires. */
  readonly timeoutMs: number;
  readonly errorThresholdPercentage: number;
  readonly volumeThreshold: number;
  readonly resetTimeoutMs: number;
  readonly rollingWindowMs: number;
}

/** A store whose calls fail fast (timeout, open breaker) instead of stalling; plus breaker state. */
export interface GuardedIncidentStore extends IncidentStore {
  breakerState(): 'closed' | 'open' | 'half-open';
}

/**
 * Wraps a store so that a slow or failing database cannot stall a partition: every call has a timeout
 * and all calls share one breaker (the database is one dependency). Failures reject with a retriable
 * VigilError `VIGIL_ERR_STORE_UNAVAILABLE`; the caller decides whether to degrade.
 */
export function guardIncidentStore(store: IncidentStore, settings: StoreGuardSettings): GuardedIncidentStore {
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    name: 'incident-store',
    timeout: settings.timeoutMs,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    volumeThreshold: settings.volumeThreshold,
    resetTimeout: settings.resetTimeoutMs,
    rollingCountTimeout: settings.rollingWindowMs,
  });
  const guarded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return (await breaker.fire(call)) as T;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason =
        code === 'EOPENBREAKER'
          ? 'breaker open'
          : code === 'ETIMEDOUT'
            ? `no answer within ${settings.timeoutMs} ms`
            : (error as Error).message;
      throw new VigilError('VIGIL_ERR_STORE_UNAVAILABLE', `incident store ${what} failed: ${reason}`, {
        retriable: true,
        cause: error,
      });
    }
  };
  return {
    recordHypothesisEvent: (event) =>
      guarded('recordHypothesisEvent', () => store.recordHypothesisEvent(event)),
    recordActions: (actions) => guarded('recordActions', () => store.recordActions(actions)),
    setIncidentStatus: (id, status) =>
      guarded('setIncidentStatus', () => store.setIncidentStatus(id, status)),
    listIncidents: (query) => guarded('listIncidents', () => store.listIncidents(query)),
    incidentTimeline: (id) => guarded('incidentTimeline', () => store.incidentTimeline(id)),
    breakerState: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    async close() {
      if (!breaker.isShutdown) breaker.shutdown();
      await store.close();
    },
  };
}
