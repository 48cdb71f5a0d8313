/**
 * Dispersion fall-backs shared by the detectors, so that no detector divides by zero and ties behave.
 *
 * Robust σ̂ (for robust z): `1.4826·MAD`; if that is 0 (more than half the window shares one value) then
 * `IQR / 1.349`; if that is 0 too, the sample std of the window; if the window is constant, the floor.
 * IQR scale (for the fences): `IQR`; if 0, `1.349·std`; then `1.349·floor`.
 * Every scale is finally raised to at least `floor = max(relative·|centre|, absolute)`.
 *
 * Consequence: on a constant window, a value equal to the centre has statistic 0 (not anomalous) and any
 * value that differs by more than a few floors is anomalous; on a tied-but-not-constant window
 * (e.g. 5,5,5,5,5,4,6) the window's own values are not anomalous because the std takes over.
 */
export const MAD_TO_SIGMA = 1.4826;
/** IQR of a normal distribution in σ units. */
export const IQR_TO_SIGMA = 1.349;

/** `max(relative·|centre|, absolute)`. */
export function scaleFloor(centre: number, relative: number, absolute: number): number {
  const r = relative * (centre < 0 ? -centre : centre);
  return Math.max(r, absolute);
}

/** Robust σ estimate with the fall-back chain above. */
export function robustSigma(mad: number, iqr: number, std: number, floor: number): number {
  const s = mad > 0 ? MAD_TO_SIGMA * mad : iqr > 0 ? iqr / IQR_TO_SIGMA : std;
  return Math.max(s, floor);
}

/** Scale of the Tukey fences with the fall-back chain above. */
export function fenceScale(iqr: number, std: number, floor: number): number {
  const s = iqr > 0 ? iqr : IQR_TO_SIGMA * Math.max(std, floor);
  return Math.max(s, floor);
}
