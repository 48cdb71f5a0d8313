import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors.js';
import { type NabSeriesRows, parseNabCsv } from './nab-csv.js';
import { type NabProfile, parseNabProfiles } from './nab-profiles.js';
import type { LabelWindowMs } from './nab-scorer.js';
import { parseNabWindows } from './nab-windows.js';

/** One data file of a NAB-layout dataset with its label windows. */
export interface NabDatasetFile extends NabSeriesRows {
  /** File id as in the windows file: `<category>/<file>.csv`; also the series name in backtests. */
  readonly file: string;
  readonly path: string;
  readonly windows: readonly LabelWindowMs[];
}

/** A dataset in NAB's layout: `data/<category>/*.csv`, `labels/combined_windows.json`, `config/profiles.json`. */
export interface NabDataset {
  readonly dir: string;
  /** Every file listed in the windows file, sorted by id. */
  readonly files: readonly NabDatasetFile[];
  readonly profiles: readonly NabProfile[];
  /** N: windows in the windows file. */
  readonly windowCount: number;
  /** Data files under `data/` that the windows file does not list (not scored). */
  readonly unlabelled: readonly string[];
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new VigilError(
      'VIGIL_ERR_BACKTEST_DATA',
      `cannot read ${what} ${path}: ${(error as Error).message}; --dataset must point at a directory in NAB's layout (data/, labels/combined_windows.json, config/profiles.json)`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VigilError(
      'VIGIL_ERR_BACKTEST_DATA',
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function listCsvFiles(dataDir: string): string[] {
  const found: string[] = [];
  for (const category of readdirSync(dataDir).sort()) {
    const dir = join(dataDir, category);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) if (/\.csv$/i.test(name)) found.push(`${category}/${name}`);
  }
  return found;
}

/**
 * Loads a NAB-layout dataset: the windows file decides which files form the corpus (each must exist under
 * `data/`), the profiles come from `config/profiles.json`. Throws `VIGIL_ERR_BACKTEST_DATA` or
 * `VIGIL_ERR_BACKTEST_LABELS` with the path and what to fix.
 */
export function loadNabDataset(dir: string): NabDataset {
  const windowsPath = join(dir, 'labels', 'combined_windows.json');
  const windows = parseNabWindows(readJson(windowsPath, 'the windows file'), windowsPath);
  const profilesPath = join(dir, 'config', 'profiles.json');
  const profiles = parseNabProfiles(readJson(profilesPath, 'the profiles file'), profilesPath);
  const dataDir = join(dir, 'data');
  let onDisk: string[];
  try {
    onDisk = listCsvFiles(dataDir);
  } catch (error) {
    throw new VigilError('VIGIL_ERR_BACKTEST_DATA', `cannot list ${dataDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const present = new Set(onDisk);
  const missing = [...windows.keys()].filter((f) => !present.has(f));
  if (missing.length > 0) {
    throw new VigilError(
      'VIGIL_ERR_BACKTEST_DATA',
      `${windowsPath} lists ${missing.length} file(s) missing under ${dataDir}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
    );
  }
  const files = [...windows.keys()].sort().map((file): NabDatasetFile => {
    const path = join(dataDir, file);
    return { file, path, windows: windows.get(file)!, ...parseNabCsv(readFileSync(path, 'utf8'), path) };
  });
  return {
    dir,
    files,
    profiles,
    windowCount: [...windows.values()].reduce((n, w) => n + w.length, 0),
    unlabelled: onDisk.filter((f) => !windows.has(f)),
  };
}
