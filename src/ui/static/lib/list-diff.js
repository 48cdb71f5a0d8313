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
export function incidentFingerprint(incident) {
  return JSON.stringify([
    incident.revision,
    incident.status,
    incident.severity,
    incident.lastAnomalyAtMs,
    incident.topCause,
    incident.topConfidence,
  ]);
}

/**
 * Compares two refreshes. With no previous list (the first load) nothing counts as added or changed.
 * @param {readonly ListedIncident[] | null} previous
 * @param {readonly ListedIncident[]} next
 * @returns {ListDiff}
 */
export function diffIncidents(previous, next) {
  if (previous === null) return { added: [], changed: [], removed: [] };
  const before = new Map(previous.map((incident) => [incident.id, incidentFingerprint(incident)]));
  const nextIds = new Set(next.map((incident) => incident.id));
  /** @type {string[]} */
  const added = [];
  /** @type {string[]} */
  const changed = [];
  for (const incident of next) {
    const old = before.get(incident.id);
    if (old === undefined) added.push(incident.id);
    else if (old !== incidentFingerprint(incident)) changed.push(incident.id);
  }
  const removed = previous.map((incident) => incident.id).filter((id) => !nextIds.has(id));
  return { added, changed, removed };
}

/**
 * A short sentence for screen readers and the status line: `1 new incident, 2 updated`, or `''`
 * when nothing was added or changed.
 * @param {ListDiff} diff
 * @returns {string}
 */
export function describeDiff(diff) {
  const parts = [];
  if (diff.added.length > 0) {
    parts.push(`${diff.added.length} new incident${diff.added.length === 1 ? '' : 's'}`);
  }
  if (diff.changed.length > 0) parts.push(`${diff.changed.length} updated`);
  return parts.join(', ');
}
