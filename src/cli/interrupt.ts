/**
 * Ctrl-C and SIGTERM during a run: the first signal aborts the run so that its cleanup
 * (probe pods, namespaces, the agent) still happens; a second one exits at once.
 */
import { ExitCode } from './exit-codes.js';

export function abortOnSignals(onAbort: (signal: NodeJS.Signals) => void): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort(name);
    onAbort(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
