/**
 * Graceful shutdown on SIGINT / SIGTERM: the first signal runs `stop` (checkpoint, leave the group, close
 * connections) and exits with 0 when it completes; a second signal exits at once with 130.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(
  stop: (signal: NodeJS.Signals) => Promise<void>,
  log: (message: string) => void,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`received ${signal} again; exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log(
      `received ${signal}; finishing the batch in flight, checkpointing and leaving the group (send again to force)`,
    );
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
