/**
 * The incidents list (`/` and `/ui/`): filters kept in the URL, refreshed every few seconds while "Live
 * updates" is on, new and updated incidents highlighted for {@link HIGHLIGHT_MS} (and announced once to
 * screen readers).
 * @module
 */
import { ApiError, createApiClient } from '../lib/api-client.js';
import {
  formatClock,
  formatPercent,
  formatRelative,
  formatTimestamp,
  SEVERITIES,
  STATUSES,
} from '../lib/format.js';
import { describeDiff, diffIncidents } from '../lib/list-diff.js';
import {
  DEFAULT_LIMIT,
  filtersToSearch,
  incidentPageHref,
  incidentsPath,
  MAX_LIMIT,
  pollIntervalMs,
  readFilters,
} from '../lib/list-query.js';
import { promptForKey } from './auth-prompt.js';
import { badge, byId, el, replaceChildren, timeEl } from './dom.js';

/** How long a new or updated incident stays highlighted. */
const HIGHLIGHT_MS = 20_000;

const client = createApiClient({ fetch: window.fetch.bind(window), storage: window.localStorage });
const pollMs = pollIntervalMs(location.search);
let filters = readFilters(location.search);
/** @type {readonly import('../lib/list-diff.js').ListedIncident[] | null} */
let previous = null;
/** @type {Map<string, { kind: 'new' | 'updated', untilMs: number }>} */
const highlights = new Map();
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;
let requestSeq = 0;
let waitingForKey = false;

const form = /** @type {HTMLFormElement} */ (byId('filters'));
const statusSelect = /** @type {HTMLSelectElement} */ (byId('filter-status'));
const severitySelect = /** @type {HTMLSelectElement} */ (byId('filter-severity'));
const serviceInput = /** @type {HTMLInputElement} */ (byId('filter-service'));
const liveBox = /** @type {HTMLInputElement} */ (byId('live'));
const tbody = /** @type {HTMLTableSectionElement} */ (byId('incidents').querySelector('tbody'));
const statusLine = byId('list-status');
const announcer = byId('list-announce');
const errorLine = byId('list-error');
const emptyLine = byId('list-empty');
const moreButton = /** @type {HTMLButtonElement} */ (byId('show-more'));

for (const status of STATUSES) statusSelect.append(el('option', { value: status }, status));
for (const severity of [...SEVERITIES].reverse())
  severitySelect.append(el('option', { value: severity }, severity));
showFilters();

form.addEventListener('submit', (event) => {
  event.preventDefault();
  filters = {
    status: statusSelect.value,
    severity: severitySelect.value,
    service: serviceInput.value.trim(),
    limit: DEFAULT_LIMIT,
  };
  restart();
});
for (const select of [statusSelect, severitySelect])
  select.addEventListener('change', () => form.requestSubmit());
liveBox.addEventListener('change', () => (liveBox.checked ? refresh() : stopPolling()));
moreButton.addEventListener('click', () => {
  filters = { ...filters, limit: Math.min(MAX_LIMIT, filters.limit + DEFAULT_LIMIT) };
  restart();
});

refresh();

function showFilters() {
  statusSelect.value = filters.status;
  severitySelect.value = filters.severity;
  serviceInput.value = filters.service;
}

/** New filters: rewrite the URL, forget the previous list (nothing to highlight) and load at once. */
function restart() {
  const poll = new URLSearchParams(location.search).get('poll');
  const search = filtersToSearch(filters);
  const pollPart = poll === null ? '' : `${search ? '&' : '?'}poll=${encodeURIComponent(poll)}`;
  history.replaceState(null, '', `${location.pathname}${search}${pollPart}`);
  previous = null;
  highlights.clear();
  refresh();
}

function stopPolling() {
  clearTimeout(timer);
  timer = undefined;
  statusLine.textContent = `${statusLine.textContent.replace(/^Live|^Paused/, 'Paused')}`;
}

async function refresh() {
  clearTimeout(timer);
  const seq = ++requestSeq;
  try {
    const page =
      /** @type {{ items: import('../lib/list-diff.js').ListedIncident[], nextCursor: string | null }} */ (
        await client.getJson(incidentsPath(filters))
      );
    if (seq !== requestSeq) return;
    errorLine.hidden = true;
    const nowMs = Date.now();
    const diff = diffIncidents(previous, page.items);
    for (const id of diff.added) highlights.set(id, { kind: 'new', untilMs: nowMs + HIGHLIGHT_MS });
    for (const id of diff.changed) highlights.set(id, { kind: 'updated', untilMs: nowMs + HIGHLIGHT_MS });
    for (const [id, mark] of highlights) if (mark.untilMs <= nowMs) highlights.delete(id);
    previous = page.items;
    render(page.items, page.nextCursor, nowMs);
    const recent = describeDiff(highlightedIn(page.items));
    statusLine.textContent = `${liveBox.checked ? 'Live' : 'Paused'} · ${page.items.length} incident${
      page.items.length === 1 ? '' : 's'
    } · updated ${formatClock(nowMs)} UTC${recent ? ` · ${recent}` : ''}`;
    const change = describeDiff(diff);
    if (change) announcer.textContent = change;
  } catch (error) {
    if (seq !== requestSeq) return;
    if (error instanceof ApiError && error.needsKey) {
      if (!waitingForKey) {
        waitingForKey = true;
        promptForKey(byId('key-prompt'), client, error.message).then(() => {
          waitingForKey = false;
          refresh();
        });
      }
      statusLine.textContent = 'Waiting for an API key.';
      return;
    }
    errorLine.textContent = `Could not load incidents: ${error instanceof Error ? error.message : error}`;
    errorLine.hidden = false;
  }
  if (liveBox.checked && !waitingForKey) timer = setTimeout(refresh, pollMs);
}

/**
 * The highlighted incidents among `items`, as a diff (what the status line summarises).
 * @param {readonly import('../lib/list-diff.js').ListedIncident[]} items
 * @returns {import('../lib/list-diff.js').ListDiff}
 */
function highlightedIn(items) {
  /** @type {import('../lib/list-diff.js').ListDiff} */
  const diff = { added: [], changed: [], removed: [] };
  for (const { id } of items) {
    const mark = highlights.get(id);
    if (mark !== undefined) (mark.kind === 'new' ? diff.added : diff.changed).push(id);
  }
  return diff;
}

/**
 * @param {readonly import('../lib/list-diff.js').ListedIncident[]} items
 * @param {string | null} nextCursor
 * @param {number} nowMs
 */
function render(items, nextCursor, nowMs) {
  replaceChildren(
    tbody,
    items.map((incident) => row(/** @type {IncidentRow} */ (incident), nowMs)),
  );
  emptyLine.hidden = items.length > 0;
  moreButton.hidden = nextCursor === null || filters.limit >= MAX_LIMIT;
}

/**
 * @typedef {import('../lib/list-diff.js').ListedIncident & {
 *   openedAtMs: number, series: readonly string[], components: readonly string[]
 * }} IncidentRow
 */

/**
 * @param {IncidentRow} incident
 * @param {number} nowMs
 */
function row(incident, nowMs) {
  const mark = highlights.get(incident.id);
  const active = mark !== undefined && mark.untilMs > nowMs ? mark.kind : null;
  const cause =
    incident.topCause === null
      ? el('span', { class: 'muted' }, 'no hypothesis yet')
      : [incident.topCause, el('span', { class: 'muted' }, ` (${formatPercent(incident.topConfidence)})`)];
  return el(
    'tr',
    { 'data-incident-id': incident.id, class: active ? `row-${active}` : null },
    el(
      'th',
      { scope: 'row' },
      el('a', { href: incidentPageHref(incident.id) }, incident.id),
      active ? el('span', { class: `flag flag-${active}` }, active) : null,
      el('div', { class: 'muted small' }, `revision ${incident.revision}`),
    ),
    el('td', {}, badge('severity', incident.severity)),
    el('td', {}, badge('status', incident.status)),
    el('td', {}, incident.components.join(', ') || '—'),
    el('td', { title: incident.series.join('\n') }, String(incident.series.length)),
    el('td', {}, cause),
    el(
      'td',
      {},
      timeEl(
        incident.openedAtMs,
        formatRelative(incident.openedAtMs, nowMs),
        formatTimestamp(incident.openedAtMs),
      ),
    ),
    el(
      'td',
      {},
      timeEl(
        incident.lastAnomalyAtMs,
        formatRelative(incident.lastAnomalyAtMs, nowMs),
        formatTimestamp(incident.lastAnomalyAtMs),
      ),
    ),
  );
}
