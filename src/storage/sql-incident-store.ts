import { VigilError } from '../errors.js';
import type { ActionEvent, ActionKind, ActionStatus } from '../model/action-event.js';
import type { Direction, Severity } from '../model/anomaly-event.js';
import type { HypothesisEvent } from '../model/hypothesis-event.js';
import type {
  AnomalyPage,
  AnomalyQuery,
  FeedbackVerdict,
  IncidentFeedbackInput,
  IncidentPage,
  IncidentQuery,
  IncidentRecord,
  IncidentStatus,
  IncidentTimeline,
  QueryableIncidentStore,
  StoredAnomaly,
  StoredContext,
  StoredHypotheses,
  StoredIncidentFeedback,
} from './incident-store.js';
import type { SqlClient } from './sql-client.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

const ms = (value: unknown): number =>
  value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
const json = (value: unknown): string => JSON.stringify(value);

interface IncidentRow {
  id: string;
  correlation_key: string;
  opened_at: Date;
  last_anomaly_at: Date;
  severity: Severity;
  status: IncidentStatus;
  revision: number;
  series: string[];
  components: string[];
  anomaly_ids: string[];
  top_cause: string | null;
  top_confidence: number | null;
}

function toIncident(r: IncidentRow): IncidentRecord {
  return {
    id: r.id,
    correlationKey: r.correlation_key,
    openedAtMs: ms(r.opened_at),
    lastAnomalyAtMs: ms(r.last_anomaly_at),
    severity: r.severity,
    status: r.status,
    revision: r.revision,
    series: r.series,
    components: r.components,
    anomalyIds: r.anomaly_ids,
    topCause: r.top_cause,
    topConfidence: r.top_confidence,
  };
}

const INCIDENT_COLUMNS = `id, correlation_key, opened_at, last_anomaly_at, severity, status, revision, series,
  components, anomaly_ids, top_cause, top_confidence`;

/** Encodes a keyset position (time, id) in a list order. Opaque to callers. */
function encodeCursor(atMs: number, id: string): string {
  return Buffer.from(JSON.stringify([atMs, id])).toString('base64url');
}

function decodeCursor(cursor: string, list: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new VigilError('VIGIL_ERR_STORE_BAD_CURSOR', `cursor is not one returned by ${list}`);
}

const pageSize = (limit: number | undefined): number =>
  Math.min(MAX_PAGE, Math.max(1, Math.floor(limit ?? DEFAULT_PAGE)));

/** Collects `$n` parameters next to the SQL that uses them. */
function parameters() {
  const params: unknown[] = [];
  return {
    params,
    param(value: unknown): string {
      params.push(value);
      return `$${params.length}`;
    },
  };
}

const ANOMALY_COLUMNS = `id, occurred_at, incident_id, series, value, direction, score, severity, labels, detectors,
  baseline, config_id`;

function toAnomaly(a: Record<string, unknown>): StoredAnomaly {
  return {
    id: a.id as string,
    incidentId: (a.incident_id as string | null) ?? null,
    series: a.series as string,
    timestampMs: ms(a.occurred_at),
    value: a.value as number,
    direction: a.direction as Direction,
    score: a.score as number,
    severity: a.severity as Severity,
    labels: a.labels as Record<string, string>,
    detectors: a.detectors as StoredAnomaly['detectors'],
    baseline: a.baseline as StoredAnomaly['baseline'],
    configId: a.config_id as string,
  };
}

const FEEDBACK_COLUMNS = 'id, incident_id, verdict, root_cause, note, actor, at, memory_outcome';

function toFeedback(f: Record<string, unknown>): StoredIncidentFeedback {
  return {
    id: String(f.id),
    incidentId: f.incident_id as string,
    verdict: f.verdict as FeedbackVerdict,
    rootCause: (f.root_cause as string | null) ?? null,
    note: (f.note as string | null) ?? null,
    by: f.actor as string,
    atMs: ms(f.at),
    memoryOutcome: f.memory_outcome as string,
  };
}

/**
 * The incident store over any {@link SqlClient}: the same SQL runs on PostgreSQL (`pg`) and PGlite. The
 * schema must be migrated first (`runMigrations`; `openIncidentStore` does both).
 */
export function createSqlIncidentStore(client: SqlClient): QueryableIncidentStore {
  return {
    async recordHypothesisEvent(event: HypothesisEvent) {
      const { incident, trigger } = event;
      const anomaly = trigger.anomaly;
      const top = event.hypotheses[0];
      await client.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO incidents (id, correlation_key, opened_at, last_anomaly_at, severity, severity_rank, status,
             revision, series, components, anomaly_ids, top_cause, top_confidence, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $12, now())
           ON CONFLICT (id) DO UPDATE SET
             correlation_key = EXCLUDED.correlation_key,
             opened_at = LEAST(incidents.opened_at, EXCLUDED.opened_at),
             last_anomaly_at = GREATEST(incidents.last_anomaly_at, EXCLUDED.last_anomaly_at),
             severity = EXCLUDED.severity, severity_rank = EXCLUDED.severity_rank,
             revision = EXCLUDED.revision, series = EXCLUDED.series, components = EXCLUDED.components,
             anomaly_ids = EXCLUDED.anomaly_ids, top_cause = EXCLUDED.top_cause,
             top_confidence = EXCLUDED.top_confidence, updated_at = now()
           WHERE incidents.revision < EXCLUDED.revision`,
          [
            incident.id,
            incident.correlationKey,
            new Date(incident.openedAtMs),
            new Date(incident.lastAnomalyAtMs),
            incident.severity,
            SEVERITY_RANK[incident.severity],
            event.revision,
            [...incident.series],
            [...incident.components],
            [...incident.anomalyIds],
            top?.cause ?? null,
            top?.confidence ?? null,
          ],
        );
        await tx.query(
          `INSERT INTO anomalies (id, occurred_at, incident_id, series, value, direction, score, severity, labels,
             detectors, baseline, config_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb, $12)
           ON CONFLICT (id, occurred_at) DO NOTHING`,
          [
            anomaly.id,
            new Date(anomaly.timestampMs),
            incident.id,
            anomaly.series,
            anomaly.value,
            anomaly.direction,
            anomaly.score,
            anomaly.severity,
            json(anomaly.labels),
            json(anomaly.detectors),
            json(anomaly.baseline),
            anomaly.configId,
          ],
        );
        await tx.query(
          `INSERT INTO contexts (id, anomaly_id, incident_id, occurred_at, correlation_key, summary_text, similar_incidents,
             degraded, embedding_model)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
           ON CONFLICT (id) DO NOTHING`,
          [
            trigger.id,
            anomaly.id,
            incident.id,
            new Date(anomaly.timestampMs),
            trigger.correlationKey,
            trigger.summaryText,
            json(trigger.similar),
            trigger.degraded,
            trigger.embeddingModel,
          ],
        );
        await tx.query(
          `INSERT INTO hypotheses (id, incident_id, revision, engine, fallback_reason, hypotheses, ranked_components,
             trigger_id, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)
           ON CONFLICT (id) DO NOTHING`,
          [
            event.id,
            incident.id,
            event.revision,
            event.engine,
            event.fallbackReason,
            json(event.hypotheses),
            json(event.rankedComponents),
            trigger.id,
            new Date(anomaly.timestampMs),
          ],
        );
      });
    },

    async recordActions(actions: readonly ActionEvent[]) {
      if (actions.length === 0) return;
      await client.transaction(async (tx) => {
        for (const a of actions) {
          await tx.query(
            `INSERT INTO actions (id, at, incident_id, kind, target, status, detail, attempts, runbook, step)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
             WHERE NOT EXISTS (SELECT 1 FROM actions WHERE id = $1)`,
            [
              a.id,
              new Date(a.atMs),
              a.incidentId,
              a.kind,
              a.target,
              a.status,
              a.detail,
              a.attempts,
              a.runbook,
              a.step,
            ],
          );
        }
      });
    },

    async setIncidentStatus(incidentId: string, status: IncidentStatus) {
      await client.query(
        `UPDATE incidents SET status = $2, updated_at = now() WHERE id = $1 AND status IS DISTINCT FROM $2`,
        [incidentId, status],
      );
    },

    async listIncidents(query: IncidentQuery = {}): Promise<IncidentPage> {
      const limit = pageSize(query.limit);
      const where: string[] = [];
      const { params, param } = parameters();
      if (query.fromMs !== undefined) where.push(`last_anomaly_at >= ${param(new Date(query.fromMs))}`);
      if (query.toMs !== undefined) where.push(`opened_at < ${param(new Date(query.toMs))}`);
      if (query.series !== undefined) where.push(`${param(query.series)}::text = ANY(series)`);
      if (query.service !== undefined) where.push(`${param(query.service)}::text = ANY(components)`);
      if (query.severities && query.severities.length > 0) {
        where.push(`severity = ANY(${param([...query.severities])}::text[])`);
      }
      if (query.statuses && query.statuses.length > 0) {
        where.push(`status = ANY(${param([...query.statuses])}::text[])`);
      }
      if (query.cursor) {
        const [atMs, id] = decodeCursor(query.cursor, 'listIncidents');
        where.push(`(last_anomaly_at, id) < (${param(new Date(atMs))}, ${param(id)}::text)`);
      }
      const rows = await client.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM incidents
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY last_anomaly_at DESC, id DESC
         LIMIT ${param(limit + 1)}`,
        params,
      );
      const items = rows.slice(0, limit).map(toIncident);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last.lastAnomalyAtMs, last.id) : null,
      };
    },

    async listAnomalies(query: AnomalyQuery = {}): Promise<AnomalyPage> {
      const limit = pageSize(query.limit);
      const where: string[] = [];
      const { params, param } = parameters();
      if (query.fromMs !== undefined) where.push(`occurred_at >= ${param(new Date(query.fromMs))}`);
      if (query.toMs !== undefined) where.push(`occurred_at < ${param(new Date(query.toMs))}`);
      if (query.series !== undefined) where.push(`series = ${param(query.series)}::text`);
      if (query.service !== undefined) {
        where.push(
          `COALESCE(labels->>'service', split_part(series, '.', 1)) = ${param(query.service)}::text`,
        );
      }
      if (query.severities && query.severities.length > 0) {
        where.push(`severity = ANY(${param([...query.severities])}::text[])`);
      }
      if (query.statuses && query.statuses.length > 0) {
        where.push(
          `incident_id IN (SELECT id FROM incidents WHERE status = ANY(${param([...query.statuses])}::text[]))`,
        );
      }
      if (query.incidentId !== undefined) where.push(`incident_id = ${param(query.incidentId)}::text`);
      if (query.cursor) {
        const [atMs, id] = decodeCursor(query.cursor, 'listAnomalies');
        where.push(`(occurred_at, id) < (${param(new Date(atMs))}, ${param(id)}::text)`);
      }
      const rows = await client.query<Record<string, unknown>>(
        `SELECT ${ANOMALY_COLUMNS} FROM anomalies
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY occurred_at DESC, id DESC
         LIMIT ${param(limit + 1)}`,
        params,
      );
      const items = rows.slice(0, limit).map(toAnomaly);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last.timestampMs, last.id) : null,
      };
    },

    async recordFeedback(feedback: IncidentFeedbackInput): Promise<StoredIncidentFeedback> {
      const rows = await client.query<Record<string, unknown>>(
        `INSERT INTO incident_feedback (incident_id, verdict, root_cause, note, actor, at, memory_outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${FEEDBACK_COLUMNS}`,
        [
          feedback.incidentId,
          feedback.verdict,
          feedback.rootCause,
          feedback.note,
          feedback.by,
          new Date(feedback.atMs),
          feedback.memoryOutcome,
        ],
      );
      return toFeedback(rows[0]!);
    },

    async listFeedback(incidentId: string): Promise<StoredIncidentFeedback[]> {
      const rows = await client.query<Record<string, unknown>>(
        `SELECT ${FEEDBACK_COLUMNS} FROM incident_feedback WHERE incident_id = $1 ORDER BY at, id`,
        [incidentId],
      );
      return rows.map(toFeedback);
    },

    async incidentTimeline(incidentId: string): Promise<IncidentTimeline | null> {
      const incidents = await client.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1`,
        [incidentId],
      );
      const row = incidents[0];
      if (!row) return null;
      const anomalies = await client.query<Record<string, unknown>>(
        `SELECT ${ANOMALY_COLUMNS} FROM anomalies WHERE incident_id = $1 ORDER BY occurred_at, id`,
        [incidentId],
      );
      const contexts = await client.query<Record<string, unknown>>(
        `SELECT id, anomaly_id, occurred_at, similar_incidents, degraded FROM contexts WHERE incident_id = $1
         ORDER BY occurred_at, id`,
        [incidentId],
      );
      const hypotheses = await client.query<Record<string, unknown>>(
        `SELECT id, revision, engine, fallback_reason, hypotheses, ranked_components, occurred_at FROM hypotheses
         WHERE incident_id = $1 ORDER BY revision, id`,
        [incidentId],
      );
      const actions = await client.query<Record<string, unknown>>(
        `SELECT id, at, incident_id, kind, target, status, detail, attempts, runbook, step FROM actions
         WHERE incident_id = $1 ORDER BY at, seq`,
        [incidentId],
      );
      return {
        incident: toIncident(row),
        anomalies: anomalies.map(toAnomaly),
        contexts: contexts.map(
          (c): StoredContext => ({
            id: c.id as string,
            anomalyId: c.anomaly_id as string,
            atMs: ms(c.occurred_at),
            similar: c.similar_incidents as StoredContext['similar'],
            degraded: (c.degraded as string | null) ?? null,
          }),
        ),
        hypotheses: hypotheses.map(
          (h): StoredHypotheses => ({
            id: h.id as string,
            revision: h.revision as number,
            engine: h.engine as StoredHypotheses['engine'],
            fallbackReason: (h.fallback_reason as string | null) ?? null,
            hypotheses: h.hypotheses as StoredHypotheses['hypotheses'],
            rankedComponents: h.ranked_components as StoredHypotheses['rankedComponents'],
            atMs: ms(h.occurred_at),
          }),
        ),
        actions: actions.map(
          (a): ActionEvent => ({
            id: a.id as string,
            incidentId: a.incident_id as string,
            kind: a.kind as ActionKind,
            target: a.target as string,
            status: a.status as ActionStatus,
            detail: a.detail as string,
            attempts: a.attempts as number,
            atMs: ms(a.at),
            runbook: (a.runbook as string | null) ?? null,
            step: (a.step as string | null) ?? null,
          }),
        ),
      };
    },

    close: () => client.close(),
  };
}
