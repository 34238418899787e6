/** What `run` does: the suites (and the recipe packs they name) as real traffic, reported. */
import { connectCluster } from './connect-cluster.js';
import { exitForFailure } from './exit-for-failure.js';
import { runLive } from '../probe/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { loadSuites } from './inputs.js';
import { newRunToken, withPacksApplied } from '../recipes/index.js';
import { abortOnSignals } from './interrupt.js';
import type { RunArgs } from './run-command.js';
import { startReports } from './output.js';
import { loadNamedRecipes, suitesToRun } from './suites-to-run.js';

export async function runSuites(args: RunArgs, context: CommandContext): Promise<number> {
  const suites = await loadSuites(args.paths, context);
  if (!suites) return ExitCode.badInput;
  // Recipe packs the suites name (`recipes: [...]`) run in namespaces of this run's own.
  const token = newRunToken();
  const packs = await loadNamedRecipes(suites, context, token);
  if (!packs) return ExitCode.badInput;
  const interrupt = abortOnSignals((name) =>
    context.stderr.write(`netpol-assert: ${name}: stopping, removing what this run created...\n`),
  );
  const reports = startReports(args, context);
  try {
    const target = connectCluster(args);
    const cluster = target.cluster;
    interrupt.signal.addEventListener('abort', () => cluster.closeOpenExecs(), { once: true });
    // Generated cases and contradictions come from the policies in force, before anything runs.
    const planned = await suitesToRun(suites, packs, args, context, {
      state: async () => (await cluster.snapshot()).state,
      live: { outsideHosts: target.labSocket !== undefined },
    });
    if (!planned) return ExitCode.badInput;
    const live = {
      image: args.image,
      keepAgent: args['keep-agent'],
      settleSeconds: args.settle,
      readyTimeoutMs: args['ready-timeout'] * 1000,
      log: (line: string) => void context.stderr.write(`netpol-assert: ${line}\n`),
      progress: reports.progress,
    };
    const result = await withPacksApplied(packs, token, target, live, interrupt.signal, () =>
      runLive(planned, cluster, live, interrupt.signal),
    );
    return await reports.finish(result);
  } catch (error) {
    reports.abandon(error instanceof Error ? error.message : String(error));
    return exitForFailure(error, context);
  } finally {
    interrupt.dispose();
  }
}
