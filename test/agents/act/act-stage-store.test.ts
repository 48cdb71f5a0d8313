import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedIncidentStore, openIncidentStore } from '../../../src/storage/open-incident-store.js';
import { hypothesisEvent, T0 } from '../../actions/support/hypothesis-fixture.js';
import { startActStage } from './act-stage-fixture.js';

let opened: OpenedIncidentStore;
beforeAll(async () => {
  opened = await openIncidentStore({ kind: 'pglite' });
}, 60_000);
afterAll(async () => {
  await opened.store.close();
});

describe('act stage with the embedded incident store', () => {
  it('records the incident, its anomalies, contexts, hypotheses and every action it takes', async () => {
    const stage = await startActStage({ store: opened.store, settings: { dryRun: false } });
    await stage.pipe(
      hypothesisEvent({ revision: 1, atMs: T0 }),
      hypothesisEvent({ revision: 2, atMs: T0 + 60_000, anomalySeries: 'checkout.latency.p99' }),
    );
    const actions = await stage.actions();
    const timeline = await opened.store.incidentTimeline('inc-1');
    expect(timeline).not.toBeNull();
    expect(timeline!.incident.revision).toBe(2);
    expect(timeline!.anomalies.map((a) => a.series)).toEqual([
      'checkout.db.connections',
      'checkout.latency.p99',
    ]);
    expect(timeline!.contexts).toHaveLength(2);
    expect(timeline!.hypotheses.map((h) => h.revision)).toEqual([1, 2]);
    expect(timeline!.actions.map((a) => a.id)).toEqual(actions.map((a) => a.id));
    // executed, then the series was anomalous again before the deadline: rolled back
    expect(timeline!.incident.status).toBe('escalated');
    await stage.driver.stopAll();
  });
});
