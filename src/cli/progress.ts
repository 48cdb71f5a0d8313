import cliProgress from 'cli-progress';

/** A progress display for long jobs, on stderr. */
export interface Progress {
  update(done: number, detail?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A bar when stderr is a terminal; otherwise a plain line at most every `intervalMs` (CI logs, pipes).
 * `unit` names what is counted (e.g. `bytes`, `records`).
 */
export function createProgress(label: string, total: number, unit: string, intervalMs = 5_000): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left | {info}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0, { info: '' });
    return {
      update: (done, detail) => bar.update(done, { info: formatDetail(detail) }),
      setTotal: (t) => bar.setTotal(Math.max(t, 1)),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let current = 0;
  let currentTotal = total;
  let lastDetail: Record<string, string | number> | undefined;
  const print = () => {
    const pct = currentTotal > 0 ? ((100 * current) / currentTotal).toFixed(1) : '?';
    process.stderr.write(
      `${label}: ${current}/${currentTotal} ${unit} (${pct}%) ${formatDetail(lastDetail)}\n`,
    );
  };
  return {
    update(done, detail) {
      current = done;
      lastDetail = detail;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        print();
      }
    },
    setTotal: (t) => {
      currentTotal = t;
    },
    stop: print,
  };
}

function formatDetail(detail: Record<string, string | number> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
