/** Resolves on SIGTERM or SIGINT: how `idle` and `respond` keep a pod alive and stop cleanly. */
export function waitForTermination(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    // Signal handlers alone do not keep Node's event loop alive: a timer does.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (signal: NodeJS.Signals) => {
      clearInterval(keepAlive);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
