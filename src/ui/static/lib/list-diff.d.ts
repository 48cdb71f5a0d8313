/**
 * What changed between two refreshes of the incidents list, so the live list can highlight new and
 * updated incidents. Pure.
 * @module
 */
/**
 * The fields of an incident the list compares (a subset of `IncidentRecord`).
 * @typedef {object} ListedIncident
 * @property {string} id
 * @property {number} revision
 * @property {string} status
 * @property {string} severity
 * @property {number} lastAnomalyAtMs
 * @property {string | null} topCause
 * @property {number | null} topConfidence
 */
/**
 * @typedef {object} ListDiff
 * @property {string[]} added ids in `next` but not in the previous list, in `next`'s order
 * @property {string[]} changed ids in both whose shown fields differ, in `next`'s order
 * @property {string[]} removed ids in the previous list but not in `next`
 */
/**
 * The shown fields of an incident as one comparable string.
 * @param {ListedIncident} incident
 * @returns {string}
 */
export function incidentFingerprint(incident: ListedIncident): string;
/**
 * Compares two refreshes. With no previous list (the first load) nothing counts as added or changed.
 * @param {readonly ListedIncident[] | null} previous
 * @param {readonly ListedIncident[]} next
 * @returns {ListDiff}
 */
export function diffIncidents(
  previous: readonly ListedIncident[] | null,
  next: readonly ListedIncident[],
): ListDiff;
/**
 * A short sentence for screen readers and the status line: `1 new incident, 2 updated`, or `''`
 * when nothing was added or changed.
 * @param {ListDiff} diff
 * @returns {string}
 */
export function describeDiff(diff: ListDiff): string;
/**
 * The fields of an incident the list compares (a subset of `IncidentRecord`).
 */
export type ListedIncident = {
  id: string;
  revision: number;
  status: string;
  severity: string;
  lastAnomalyAtMs: number;
  topCause: string | null;
  topConfidence: number | null;
};
export type ListDiff = {
  /**
   * ids in `next` but not in the previous list, in `next`'s order
   */
  added: string[];
  /**
   * ids in both whose shown fields differ, in `next`'s order
   */
  changed: string[];
  /**
   * ids in the previous list but not in `next`
   */
  removed: string[];
};
