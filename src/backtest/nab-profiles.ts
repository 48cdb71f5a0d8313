import { VigilError } from '../errors.js';

/** NAB's cost matrix for one application profile (the weights of `config/profiles.json`). */
export interface NabProfile {
  /** Profile name, e.g. `standard`. */
  readonly name: string;
  /** A_TP: the reward for detecting a window at its first row. */
  readonly tpWeight: number;
  /** A_FP: the full cost of one false-positive row. */
  readonly fpWeight: number;
  /** A_FN: the cost of a window without any detection. */
  readonly fnWeight: number;
}

/** The three NAB v1.1 profiles, as in NAB's `config/profiles.json`. */
export const NAB_PROFILES: readonly NabProfile[] = Object.freeze([
  Object.freeze({ name: 'standard', tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0 }),
  Object.freeze({ name: 'reward_low_FP_rate', tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0 }),
  Object.freeze({ name: 'reward_low_FN_rate', tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0 }),
]);

function weight(raw: unknown, profile: string, key: string, source: string): number {
  const value = (raw as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new VigilError(
      'VIGIL_ERR_BACKTEST_DATA',
      `${source}: ${profile}.CostMatrix.${key} must be a non-negative number`,
    );
  }
  return value;
}

/**
 * Reads NAB's `config/profiles.json` (`{ "<name>": { "CostMatrix": { "tpWeight", "fpWeight",
 * "fnWeight", … } } }`), keeping the file's order. Throws `VIGIL_ERR_BACKTEST_DATA` naming a bad entry.
 */
export function parseNabProfiles(raw: unknown, source: string): NabProfile[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new VigilError('VIGIL_ERR_BACKTEST_DATA', `${source}: expected an object of profiles`);
  }
  const profiles = Object.entries(raw as Record<string, unknown>).map(([name, entry]) => {
    const matrix = (entry as Record<string, unknown> | null)?.CostMatrix;
    return Object.freeze({
      name,
      tpWeight: weight(matrix, name, 'tpWeight', source),
      fpWeight: weight(matrix, name, 'fpWeight', source),
      fnWeight: weight(matrix, name, 'fnWeight', source),
    });
  });
  if (profiles.length === 0) {
    throw new VigilError('VIGIL_ERR_BACKTEST_DATA', `${source}: no profiles`);
  }
  return profiles;
}
