/**
 * Entry point of the lab's supervisor, the detached process `lab up` starts:
 * `node supervisor-main.js '<SupervisorConfig JSON>' <state folder>/`, output to the lab's
 * logs/supervisor.log. It runs until SIGTERM or SIGINT (from `lab down`), then stops
 * everything it started and exits.
 */
import { runSupervisor } from './run-supervisor.js';
import type { RunningSupervisor } from './run-supervisor.js';
import { parseSupervisorConfig } from './supervisor-config.js';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

async function main(): Promise<void> {
  const config = parseSupervisorConfig(process.argv[2]);
  log(`supervisor ${process.pid} for lab ${config.lab}: ${config.nodes} nodes, cni ${config.cni}`);
  // A lab should outlive one bad watch event or request: report, keep running.
  process.on('uncaughtException', (error) => log(`uncaught: ${error.stack ?? String(error)}`));
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${String(reason)}`));
  let stopping: Promise<void> | undefined;
  let running: RunningSupervisor | undefined;
  const started = runSupervisor(config, log).then((supervisor) => (running = supervisor));
  const shutdown = (signal: string): void => {
    stopping ??= (async () => {
      log(`${signal}: stopping`);
      await started.catch(() => undefined);
      await running?.stop();
      log('stopped');
      process.exit(0);
    })().catch((error: unknown) => {
      log(`stop failed: ${String(error)}`);
      process.exit(1);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  try {
    await started;
  } catch (error) {
    log(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}

void main();
