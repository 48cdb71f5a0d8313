/**
 * The filters in a page's query string (`?status=open&severity=critical&service=orders&limit=100`).
 * Unknown statuses or severities and malformed limits are ignored.
 * @param {string} search `location.search`, with or without the leading `?`
 * @returns {ListFilters}
 */
export function readFilters(search: string): ListFilters;
/**
 * The query string that {@link readFilters} reads back to `filters`; only non-default values are written.
 * @param {ListFilters} filters
 * @returns {string} `''` or `?…`
 */
export function filtersToSearch(filters: ListFilters): string;
/**
 * The API request for the list: `GET /api/v1/incidents?…`, newest activity first.
 * @param {ListFilters} filters
 * @returns {string}
 */
export function incidentsPath(filters: ListFilters): string;
/**
 * The refresh interval: `?poll=<ms>` in the page URL, clamped to 500 ms .. 60 s, else 5 s.
 * @param {string} search
 * @returns {number} milliseconds
 */
export function pollIntervalMs(search: string): number;
/**
 * The link to an incident's page.
 * @param {string} incidentId
 * @returns {string}
 */
export function incidentPageHref(incidentId: string): string;
/**
 * What the list shows. Empty strings mean "any".
 * @typedef {object} ListFilters
 * @property {string} status one of {@link STATUSES}, or ''
 * @property {string} severity one of {@link SEVERITIES}, or ''
 * @property {string} service a component name, or ''
 * @property {number} limit page size, 1..500
 */
/** Page size of the list before "Show more". */
export const DEFAULT_LIMIT: 50;
/** Largest page the API serves. */
export const MAX_LIMIT: 500;
/** Default time between two refreshes of the live list. */
export const DEFAULT_POLL_MS: 5000;
/**
 * What the list shows. Empty strings mean "any".
 */
export type ListFilters = {
  /**
   * one of {@link STATUSES}, or ''
   */
  status: string;
  /**
   * one of {@link SEVERITIES}, or ''
   */
  severity: string;
  /**
   * a component name, or ''
   */
  service: string;
  /**
   * page size, 1..500
   */
  limit: number;
};
