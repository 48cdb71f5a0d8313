import { type Logger, pino } from 'pino';

/** Log levels accepted in configuration. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The root logger: pino JSON lines on stdout (or on stderr when stdout carries command output, e.g.
 * `vigil replay --out -`). Child loggers add bindings (`stage`, `topic`, `partition`).
 */
export function createLogger(options: { level: LogLevel; toStderr?: boolean; name?: string }): Logger {
  return pino(
    { level: options.level, name: options.name ?? 'vigil', base: { pid: process.pid } },
    options.toStderr ? pino.destination(2) : pino.destination(1),
  );
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
