/**
 * The incidents list's filters: read from the page URL, written back to it, and turned into the API
 * request. Pure.
 * @module
 */
import { SEVERITIES, STATUSES } from './format.js';

/**
 * What the list shows. Empty strings mean "any".
 * @typedef {object} ListFilters
 * @property {string} status one of {@link STATUSES}, or ''
 * @property {string} severity one of {@link SEVERITIES}, or ''
 * @property {string} service a component name, or ''
 * @property {number} limit page size, 1..500
 */

/** Page size of the list before "Show more". */
export const DEFAULT_LIMIT = 50;
/** Largest page the API serves. */
export const MAX_LIMIT = 500;
/** Default time between two refreshes of the live list. */
export const DEFAULT_POLL_MS = 5000;

/**
 * @param {string | null} raw
 * @param {readonly string[]} allowed
 */
const oneOf = (raw, allowed) => (raw !== null && allowed.includes(raw) ? raw : '');

/**
 * @param {string | null} raw
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 */
function clampedInt(raw, fallback, min, max) {
  if (raw === null || !/^\d+$/.test(raw)) return fallback;
  return Math.min(max, Math.max(min, Number(raw)));
}

/**
 * The filters in a page's query string (`?status=open&severity=critical&service=orders&limit=100`).
 * Unknown statuses or severities and malformed limits are ignored.
 * @param {string} search `location.search`, with or without the leading `?`
 * @returns {ListFilters}
 */
export function readFilters(search) {
  const params = new URLSearchParams(search);
  return {
    status: oneOf(params.get('status'), STATUSES),
    severity: oneOf(params.get('severity'), SEVERITIES),
    service: (params.get('service') ?? '').trim(),
    limit: clampedInt(params.get('limit'), DEFAULT_LIMIT, 1, MAX_LIMIT),
  };
}

/**
 * The query string that {@link readFilters} reads back to `filters`; only non-default values are written.
 * @param {ListFilters} filters
 * @returns {string} `''` or `?…`
 */
export function filtersToSearch(filters) {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.service) params.set('service', filters.service);
  if (filters.limit !== DEFAULT_LIMIT) params.set('limit', String(filters.limit));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The API request for the list: `GET /api/v1/incidents?…`, newest activity first.
 * @param {ListFilters} filters
 * @returns {string}
 */
export function incidentsPath(filters) {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.service) params.set('service', filters.service);
  params.set('limit', String(filters.limit));
  return `/api/v1/incidents?${params}`;
}

/**
 * The refresh interval: `?poll=<ms>` in the page URL, clamped to 500 ms .. 60 s, else 5 s.
 * @param {string} search
 * @returns {number} milliseconds
 */
export function pollIntervalMs(search) {
  return clampedInt(new URLSearchParams(search).get('poll'), DEFAULT_POLL_MS, 500, 60_000);
}

/**
 * The link to an incident's page.
 * @param {string} incidentId
 * @returns {string}
 */
export function incidentPageHref(incidentId) {
  return `/ui/incident.html?id=${encodeURIComponent(incidentId)}`;
}
