import { runVigil } from '../../support/vigil-process.js';

/** What the `vigil` CLI accepts, read from its own `--help` output. */
export interface CliSurface {
  /** Top-level commands, e.g. `run`, `topics`. */
  readonly commands: ReadonlySet<string>;
  /** Stages `vigil run` accepts (its argument's choices). */
  readonly runStages: ReadonlySet<string>;
  /** Long options of `vigil run`, e.g. `--metrics-port`. */
  readonly runOptions: ReadonlySet<string>;
  /** Sub-commands of `vigil topics`. */
  readonly topicsCommands: ReadonlySet<string>;
}

const noServers = { KAFKA_BROKERS: '', SCHEMA_REGISTRY_URL: '', VIGIL_CONFIG: '', LOG_LEVEL: '' };

function section(help: string, title: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => line.trim() === `${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const firstWords = (lines: readonly string[]) =>
  new Set(lines.map((line) => /^ {2}(\w[\w-]*)/.exec(line)?.[1]).filter((w): w is string => !!w));

/** Runs `vigil --help`, `vigil run --help` and `vigil topics --help` (from the sources) and parses them. */
export async function readCliSurface(): Promise<CliSurface> {
  const [main, run, topics] = await Promise.all(
    [['--help'], ['run', '--help'], ['topics', '--help']].map(async (args) =>
      (await runVigil(args, noServers)).stdout.join('\n'),
    ),
  );
  const stages = /stage to run: ([\w, ]+)/.exec(run!.replace(/\s+/g, ' '))?.[1];
  if (!stages) throw new Error(`vigil run --help names no stages:\n${run}`);
  return {
    commands: firstWords(section(main!, 'Commands')),
    runStages: new Set(stages.split(',').map((s) => s.trim())),
    runOptions: new Set(section(run!, 'Options').flatMap((line) => line.match(/--[a-z][\w-]*/g) ?? [])),
    topicsCommands: firstWords(section(topics!, 'Commands')),
  };
}
