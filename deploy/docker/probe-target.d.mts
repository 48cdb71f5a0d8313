/** Path of the API's liveness route (GET; no authentication). */
export declare const API_LIVE_PATH: string;
/** Path a stage's metrics server answers on (`vigil run <stage> --metrics-port <port>`). */
export declare const METRICS_PATH: string;
/**
 * The URL to probe for a container whose PID 1 runs `argv`, or `undefined` when nothing listens.
 * See probe-target.mjs.
 */
export declare function probeTarget(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined;
