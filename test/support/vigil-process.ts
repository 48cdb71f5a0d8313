import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A `vigil` CLI process started by a test, with its output collected. */
export interface VigilProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** Parsed JSON log lines (pino) from stderr. */
  logs(): Array<Record<string, unknown>>;
}

/** Starts `vigil <args>` from the sources (through tsx) with `env` added to the environment. */
export function startVigil(args: readonly string[], env: Record<string, string>): VigilProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let rest = '';
    return (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    stdout,
    stderr,
    exited,
    logs: () =>
      stderr.flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
}

/**
 * Races `work` against the process exiting: a process that dies early fails the test at once, with its
 * output, instead of leaving the test waiting for a timeout.
 */
export async function whileRunning<T>(process: VigilProcess, work: Promise<T>): Promise<T> {
  const died = process.exited.then((code) => {
    throw new Error(`vigil exited early with ${code}:\n${process.stderr.slice(-40).join('\n')}`);
  });
  try {
    return await Promise.race([work, died]);
  } catch (error) {
    if (error instanceof Error && !error.message.startsWith('vigil exited early')) {
      error.message += `\n--- vigil stderr (last 40 lines) ---\n${process.stderr.slice(-40).join('\n')}`;
    }
    throw error;
  }
}

/** Runs `vigil <args>` to completion; rejects with its output when it exits non-zero. */
export async function runVigil(args: readonly string[], env: Record<string, string>): Promise<VigilProcess> {
  const process = startVigil(args, env);
  const code = await process.exited;
  if (code !== 0) {
    throw new Error(
      `vigil ${args.join(' ')} exited with ${code}:\n${process.stderr.join('\n')}\n${process.stdout.join('\n')}`,
    );
  }
  return process;
}
