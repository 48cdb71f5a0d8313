import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared NAB subset (41 series, 79 windows) next to the repository. */
export const NAB_DATASET = fileURLToPath(new URL('../../../shared/datasets/nab', import.meta.url));

/** Writes a small dataset in NAB's layout to a temp directory: `files` maps file id → CSV text. */
export function writeDataset(
  files: Record<string, string>,
  windows: Record<string, Array<[string, string]>>,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nab-'));
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, 'data', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  mkdirSync(join(dir, 'labels'));
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify(windows, null, 2));
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'profiles.json'),
    JSON.stringify({
      standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } },
      reward_low_FP_rate: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.22, tnWeight: 1 } },
      reward_low_FN_rate: { CostMatrix: { tpWeight: 1, fnWeight: 2, fpWeight: 0.11, tnWeight: 1 } },
    }),
  );
  return dir;
}

/** A NAB-style CSV of `rows` 5-minute rows from 2014-04-01, with a spike at `spikeAt`. */
export function syntheticCsv(rows: number, spikeAt: number, eol = '\n'): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
    const value = 10 + Math.sin(i / 7) + (i === spikeAt ? 25 : 0) + ((i * 37) % 11) / 20;
    lines.push(`${t},${value}`);
  }
  return `${lines.join(eol)}${eol}`;
}

/** NAB timestamp text of row `i` of {@link syntheticCsv}, with the windows file's `.000000` suffix. */
export function syntheticTime(i: number): string {
  return `${new Date(Date.UTC(2014, 3, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ')}.000000`;
}
