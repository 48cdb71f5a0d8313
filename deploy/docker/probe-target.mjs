// Which URL the container health check probes, from the command the container runs. Kept apart from
// healthcheck.mjs (which does I/O) so the rule is unit-tested (test/deploy/deployment.test.ts).

/** Path of the API's liveness route (GET; no authentication). */
export const API_LIVE_PATH = '/api/v1/health/live';

/** Path a stage's metrics server answers on (`vigil run <stage> --metrics-port <port>`). */
export const METRICS_PATH = '/metrics';

/**
 * The URL to probe for a container whose PID 1 runs `argv` (e.g. `tini -- node /app/bin/vigil.js run api`),
 * or `undefined` when nothing listens (a stage without `--metrics-port`, `topics create`, the demo).
 *
 * - `run api`, and `run all` without `--no-api` (it serves the API too):
 *   `http://127.0.0.1:<PORT or 8080>/api/v1/health/live`;
 * - any other `run …` with `--metrics-port <n>` (or `--metrics-port=<n>`): `http://127.0.0.1:<n>/metrics`.
 *
 * @param {readonly string[]} argv the command line, one argument per entry
 * @param {Readonly<Record<string, string | undefined>>} env the container's environment (for PORT)
 * @returns {string | undefined}
 */
export function probeTarget(argv, env) {
  const script = argv.findIndex((arg) => /(^|\/)vigil(\.js)?$/.test(arg));
  const args = script >= 0 ? argv.slice(script + 1) : [];
  if (args[0] !== 'run') return undefined;
  const stage = args[1] && !args[1].startsWith('-') ? args[1] : 'all';
  if (stage === 'api' || (stage === 'all' && !args.includes('--no-api')))
    return `http://127.0.0.1:${env.PORT || '8080'}${API_LIVE_PATH}`;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--metrics-port' && args[i + 1]) return `http://127.0.0.1:${args[i + 1]}${METRICS_PATH}`;
    if (arg.startsWith('--metrics-port=')) return `http://127.0.0.1:${arg.slice(15)}${METRICS_PATH}`;
  }
  return undefined;
}
