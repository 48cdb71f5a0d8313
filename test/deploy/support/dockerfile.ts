/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword, e.g. `COPY`. */
  readonly keyword: string;
  /** Everything after the keyword, on one line. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

/** A build stage: `FROM <image> [AS <name>]` and the instructions up to the next FROM. */
export interface DockerStage {
  readonly image: string;
  /** The `AS` name, or the stage's index as a string. */
  readonly name: string;
  readonly instructions: readonly DockerInstruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** `ARG` defaults declared before the first FROM (usable in FROM lines). */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly DockerStage[];
}

/**
 * Parses a Dockerfile into stages and instructions: joins `\` continuations, skips comments (also between
 * continued lines) and parser directives. Throws on an instruction before the first FROM other than ARG.
 */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: DockerInstruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && !pending)) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending
      ? { text: `${pending.text} ${part}`, line: pending.line }
      : { text: part, line: index + 1 };
    if (continued) return;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(pending.text) ?? [];
    instructions.push({ keyword: keyword.toUpperCase(), args, line: pending.line });
    pending = undefined;
  });
  const globalArgs = new Map<string, string>();
  const stages: Array<{ image: string; name: string; instructions: DockerInstruction[] }> = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const name = words[1]?.toUpperCase() === 'AS' ? words[2]! : String(stages.length);
      stages.push({ image: words[0]!, name, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name = '', value = ''] = instruction.args.split('=', 2);
      globalArgs.set(name.trim(), value.trim());
    } else {
      throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
    }
  }
  return { globalArgs, stages };
}

/** The words of an exec-form (`["a", "b"]`) or shell-form argument list. */
export function wordsOf(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return trimmed.split(/\s+/).filter(Boolean);
}

/** A COPY/ADD: its `--from` stage (if any), its sources and its destination. */
export interface CopyInstruction {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** Reads a COPY or ADD instruction's flags, sources and destination. */
export function copyOf(instruction: DockerInstruction): CopyInstruction {
  const words = wordsOf(instruction.args);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** `ENV` key/value pairs of one instruction (`ENV A=1 B=2`, or the legacy `ENV A 1`). */
export function envOf(instruction: DockerInstruction): Map<string, string> {
  const pairs = new Map<string, string>();
  if (!instruction.args.includes('=')) {
    const [key = '', ...value] = instruction.args.split(/\s+/);
    pairs.set(key, value.join(' '));
    return pairs;
  }
  for (const m of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    pairs.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  }
  return pairs;
}
