/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits (0 when it finished, 1 when it threw). A second
 * signal while stopping exits at once, so an operator can always get out.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  log: (line: string) => void = console.error,
): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal}: draining and stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
