/**
 * The incident page (`/ui/incident.html?id=…`): summary, one chart per affected series, anomalies, similar
 * past incidents, hypotheses, actions, and the feedback form.
 * @module
 */
import { ApiError, createApiClient } from '../lib/api-client.js';
import { buildChartData, chartRange, describeChart, seriesPointsPath } from '../lib/chart-data.js';
import { formatPercent, formatTimestamp, formatValue } from '../lib/format.js';
import {
  chartedSeries,
  degradedReasons,
  feedbackRequest,
  feedbackResultMessage,
  latestHypotheses,
  rankSimilar,
  VERDICT_LABELS,
} from '../lib/timeline-view.js';
import { promptForKey } from './auth-prompt.js';
import { badge, byId, el, replaceChildren } from './dom.js';
import { drawSeriesChart } from './series-chart.js';

/**
 * @typedef {import('../lib/timeline-view.js').Timeline & {
 *   incident: { id: string, series: readonly string[], topCause: string | null, topConfidence: number | null,
 *     severity: string, status: string, revision: number, components: readonly string[],
 *     openedAtMs: number, lastAnomalyAtMs: number, correlationKey: string },
 *   actions: readonly { id: string, kind: string, target: string, status: string, detail: string,
 *     attempts: number, atMs: number, runbook: string | null, step: string | null }[],
 *   feedback?: readonly { verdict: string, rootCause: string | null, note: string | null, by?: string,
 *     atMs?: number, memoryOutcome?: string }[],
 * }} PageTimeline
 */

const client = createApiClient({ fetch: window.fetch.bind(window), storage: window.localStorage });
const incidentId = new URLSearchParams(location.search).get('id') ?? '';
const statusLine = byId('page-status');
const errorLine = byId('page-error');
/** @type {{ resize(): void }[]} */
let charts = [];
/** @type {PageTimeline | null} */
let current = null;

window.addEventListener('resize', () => {
  for (const chart of charts) chart.resize();
});
byId('feedback-form').addEventListener('submit', onFeedback);

if (incidentId === '') {
  fail('No incident given: open this page from the incidents list (/ui/incident.html?id=…).');
} else {
  byId('incident-title').textContent = `Incident ${incidentId}`;
  document.title = `${incidentId} · Incidents · Vigil`;
  load({ withCharts: true });
}

/** @param {string} message */
function fail(message) {
  statusLine.textContent = '';
  errorLine.textContent = message;
  errorLine.hidden = false;
}

/**
 * Runs `task`; on 401 or 403 shows the key prompt and runs it again once a key is saved.
 * @template T
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
async function withKey(task) {
  try {
    return await task();
  } catch (error) {
    if (error instanceof ApiError && error.needsKey) {
      statusLine.textContent = 'Waiting for an API key.';
      await promptForKey(byId('key-prompt'), client, error.message);
      return withKey(task);
    }
    throw error;
  }
}

/** @param {{ withCharts: boolean }} options */
async function load({ withCharts }) {
  try {
    const timeline = await withKey(
      async () =>
        /** @type {PageTimeline} */ (
          await client.getJson(`/api/v1/incidents/${encodeURIComponent(incidentId)}`)
        ),
    );
    current = timeline;
    errorLine.hidden = true;
    byId('incident').hidden = false;
    renderSummary(timeline);
    renderAnomalies(timeline);
    renderSimilar(timeline);
    renderHypotheses(timeline);
    renderActions(timeline);
    renderFeedbackHistory(timeline);
    statusLine.textContent = `Loaded ${timeline.anomalies.length} anomalies, ${timeline.actions.length} actions.`;
    if (withCharts) await renderCharts(timeline);
  } catch (error) {
    const notFound = error instanceof ApiError && error.status === 404;
    fail(
      notFound
        ? `Incident ${incidentId} does not exist.`
        : `Could not load the incident: ${messageOf(error)}`,
    );
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {PageTimeline} timeline */
function renderSummary({ incident }) {
  /** @type {[string, import('./dom.js').Child | import('./dom.js').Child[]][]} */
  const rows = [
    ['Severity', badge('severity', incident.severity)],
    ['Status', badge('status', incident.status)],
    ['Services', incident.components.join(', ') || '—'],
    ['Correlation key', incident.correlationKey],
    ['Opened', formatTimestamp(incident.openedAtMs)],
    ['Last anomaly', formatTimestamp(incident.lastAnomalyAtMs)],
    ['Revision', String(incident.revision)],
    [
      'Top cause',
      incident.topCause === null ? '—' : `${incident.topCause} (${formatPercent(incident.topConfidence)})`,
    ],
  ];
  replaceChildren(
    byId('summary'),
    rows.map(([term, value]) => el('div', {}, el('dt', {}, term), el('dd', {}, value))),
  );
}

/** @param {PageTimeline} timeline */
async function renderCharts(timeline) {
  const container = byId('charts');
  const range = chartRange(timeline.incident);
  const names = chartedSeries(timeline);
  charts = [];
  const figures = names.map((series, index) => {
    const target = el('div', {
      class: 'chart',
      id: `chart-${index}`,
      role: 'img',
      'aria-label': `Chart of ${series}`,
    });
    const caption = el('figcaption', {}, 'Loading points…');
    const figure = el(
      'figure',
      { class: 'chart-card', 'data-series': series },
      el('h3', {}, series),
      target,
      caption,
    );
    return { series, target, caption, figure };
  });
  replaceChildren(
    container,
    figures.map((f) => f.figure),
  );
  if (names.length === 0) container.append(el('p', { class: 'empty' }, 'The incident names no series.'));
  await Promise.all(
    figures.map(async ({ series, target, caption, figure }) => {
      try {
        const response = await withKey(
          async () =>
            /** @type {import('../lib/chart-data.js').SeriesResponse} */ (
              await client.getJson(seriesPointsPath(series, range))
            ),
        );
        const chart = buildChartData(series, response, timeline.anomalies);
        const description = describeChart(chart);
        caption.textContent = `${description} · ${formatTimestamp(range.fromMs)} to ${formatTimestamp(range.toMs)}`;
        target.setAttribute('aria-label', `Chart of ${series}: ${description}`);
        if (chart.xs.length === 0) {
          target.append(el('p', { class: 'empty' }, 'No points in this time range.'));
        } else {
          charts.push(drawSeriesChart(target, series, chart));
        }
        figure.dataset.state = 'drawn';
      } catch (error) {
        caption.textContent = `Could not load the points: ${messageOf(error)}`;
        caption.classList.add('error');
        figure.dataset.state = 'failed';
      }
    }),
  );
}

/** @param {PageTimeline} timeline */
function renderAnomalies(timeline) {
  replaceChildren(
    /** @type {HTMLElement} */ (byId('anomalies').querySelector('tbody')),
    timeline.anomalies.map((a) =>
      el(
        'tr',
        {},
        el('td', {}, formatTimestamp(a.timestampMs)),
        el('td', {}, a.series),
        el('td', { class: 'num' }, formatValue(a.value)),
        el('td', {}, a.direction === 'up' ? '↑ up' : '↓ down'),
        el('td', { class: 'num' }, a.score.toFixed(2)),
        el('td', {}, badge('severity', a.severity)),
      ),
    ),
  );
}

/** @param {PageTimeline} timeline */
function renderSimilar(timeline) {
  const similar = rankSimilar(timeline);
  const degraded = degradedReasons(timeline);
  const note = byId('similar-degraded');
  note.hidden = degraded.length === 0;
  note.textContent = degraded.length === 0 ? '' : `Incident memory was degraded: ${degraded.join('; ')}`;
  byId('similar-empty').hidden = similar.length > 0;
  replaceChildren(
    byId('similar'),
    similar.map((s) =>
      el(
        'li',
        { class: 'card', 'data-similar-id': s.id },
        el(
          'p',
          { class: 'card-title' },
          el('strong', {}, s.id),
          ' · similarity ',
          el('span', { class: 'similarity' }, s.similarity.toFixed(2)),
          el('meter', {
            min: 0,
            max: 1,
            value: Math.max(0, s.similarity),
            'aria-label': `similarity of ${s.id}`,
          }),
        ),
        el('p', {}, s.summary),
        el('p', {}, el('span', { class: 'muted' }, 'Root cause: '), s.rootCause),
        el('p', {}, el('span', { class: 'muted' }, 'Resolution: '), s.resolution),
        el(
          'p',
          { class: 'muted small' },
          `retrieved for ${s.matches} anomal${s.matches === 1 ? 'y' : 'ies'} of this incident`,
        ),
      ),
    ),
  );
}

/** @param {PageTimeline} timeline */
function renderHypotheses(timeline) {
  const latest = latestHypotheses(timeline);
  byId('hypotheses-empty').hidden = latest !== null && latest.hypotheses.length > 0;
  byId('hypotheses-meta').textContent =
    latest === null
      ? ''
      : `Revision ${latest.revision} · ${latest.engine === 'llm' ? 'LLM' : 'rules'} engine · ${formatTimestamp(latest.atMs)}${
          latest.fallbackReason ? ` · rules used because ${latest.fallbackReason}` : ''
        }`;
  replaceChildren(
    byId('hypotheses'),
    (latest?.hypotheses ?? []).map((h) =>
      el(
        'li',
        { class: 'card' },
        el(
          'p',
          { class: 'card-title' },
          el('strong', {}, h.cause),
          h.component ? ` · ${h.component}` : null,
          ' · confidence ',
          el('span', { class: 'confidence' }, formatPercent(h.confidence)),
          el('meter', { min: 0, max: 1, value: h.confidence, 'aria-label': `confidence in ${h.cause}` }),
        ),
        h.evidence.length > 0
          ? [
              el('h4', {}, 'Evidence'),
              el(
                'ul',
                {},
                h.evidence.map((e) => el('li', {}, e)),
              ),
            ]
          : el('p', { class: 'muted' }, 'No evidence listed.'),
        h.steps.length > 0
          ? el(
              'details',
              {},
              el('summary', {}, 'Investigation steps'),
              el(
                'ol',
                {},
                h.steps.map((s) => el('li', {}, s)),
              ),
            )
          : null,
        h.ruleId ? el('p', { class: 'muted small' }, `rule ${h.ruleId}`) : null,
      ),
    ),
  );
  const earlier = timeline.hypotheses.filter((r) => r !== latest);
  replaceChildren(
    byId('earlier-revisions'),
    earlier.length === 0
      ? null
      : el(
          'details',
          {},
          el('summary', {}, `Earlier revisions (${earlier.length})`),
          el(
            'ul',
            {},
            earlier.map((r) =>
              el(
                'li',
                {},
                `Revision ${r.revision} (${formatTimestamp(r.atMs)}): `,
                r.hypotheses[0]
                  ? `${r.hypotheses[0].cause} (${formatPercent(r.hypotheses[0].confidence)})`
                  : 'none',
              ),
            ),
          ),
        ),
  );
}

/** @param {PageTimeline} timeline */
function renderActions(timeline) {
  byId('actions-empty').hidden = timeline.actions.length > 0;
  replaceChildren(
    /** @type {HTMLElement} */ (byId('actions').querySelector('tbody')),
    timeline.actions.map((a) =>
      el(
        'tr',
        { 'data-action-id': a.id },
        el('td', {}, formatTimestamp(a.atMs)),
        el('td', {}, a.kind),
        el('td', {}, a.target),
        el('td', {}, badge('action', a.status)),
        el('td', {}, a.detail),
        el('td', { class: 'num' }, String(a.attempts)),
        el('td', {}, a.runbook ? `${a.runbook}${a.step ? ` / ${a.step}` : ''}` : '—'),
      ),
    ),
  );
}

/** @param {PageTimeline} timeline */
function renderFeedbackHistory(timeline) {
  const given = timeline.feedback ?? [];
  replaceChildren(
    byId('feedback-history'),
    given.length === 0
      ? null
      : [
          el('h3', {}, 'Feedback given'),
          el(
            'ul',
            {},
            given.map((f) =>
              el(
                'li',
                {},
                VERDICT_LABELS[/** @type {keyof typeof VERDICT_LABELS} */ (f.verdict)] ?? f.verdict,
                f.rootCause ? `: ${f.rootCause}` : '',
                f.by ? ` · by ${f.by}` : '',
                typeof f.atMs === 'number' ? ` · ${formatTimestamp(f.atMs)}` : '',
                f.note ? ` · “${f.note}”` : '',
              ),
            ),
          ),
        ],
  );
}

/** @param {SubmitEvent} event */
async function onFeedback(event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.currentTarget);
  const submitter = /** @type {HTMLButtonElement | null} */ (event.submitter);
  const verdict = submitter?.value ?? '';
  const result = byId('feedback-result');
  const rootCause = /** @type {HTMLInputElement} */ (byId('feedback-root-cause')).value;
  const note = /** @type {HTMLTextAreaElement} */ (byId('feedback-note')).value;
  const request = feedbackRequest(verdict, { rootCause, note }, current?.incident.topCause ?? null);
  if ('error' in request) {
    result.textContent = request.error;
    result.className = 'result error';
    return;
  }
  const buttons = [...form.querySelectorAll('button')];
  for (const button of buttons) button.disabled = true;
  result.textContent = 'Sending…';
  result.className = 'result';
  try {
    const answer = await withKey(() =>
      client.postJson(`/api/v1/incidents/${encodeURIComponent(incidentId)}/feedback`, request.body),
    );
    result.textContent = feedbackResultMessage(verdict, answer);
    result.className = 'result ok';
    await load({ withCharts: false });
  } catch (error) {
    result.textContent = `Feedback not recorded: ${messageOf(error)}`;
    result.className = 'result error';
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}
