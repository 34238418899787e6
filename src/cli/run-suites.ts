/**
 * What `run` does: the suites (and the recipe packs they name) as real traffic, reported.
 * The suites' `setup:` files are applied first (run-setup.ts), so that what is planned,
 * generated and probed is the cluster with them; they go again after the run.
 */
import { checkRunAccess, noticeText } from '../cluster/index.js';
import { reachCluster } from './connect-cluster.js';
import { exitForFailure } from './exit-for-failure.js';
import { runLive } from '../probe/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { loadSuites } from './inputs.js';
import { newRunToken, withPacksApplied } from '../recipes/index.js';
import { abortOnSignals } from './interrupt.js';
import type { RunArgs } from './run-command.js';
import { withSetupApplied } from './run-setup.js';
import { startReports } from './output.js';
import { loadSuiteSetup } from './suite-setup.js';
import { loadNamedRecipes, suitesToRun } from './suites-to-run.js';

export async function runSuites(args: RunArgs, context: CommandContext): Promise<number> {
  const suites = await loadSuites(args.paths, context);
  if (!suites) return ExitCode.badInput;
  // Recipe packs the suites name (`recipes: [...]`) run in namespaces of this run's own;
  // the setup objects this run makes carry the same token.
  const token = newRunToken();
  const [packs, setup] = await Promise.all([
    loadNamedRecipes(suites, context, token),
    loadSuiteSetup(suites, context),
  ]);
  if (!packs || !setup) return ExitCode.badInput;
  const interrupt = abortOnSignals((name) =>
    context.stderr.write(`netpol-assert: ${name}: stopping, removing what this run created...\n`),
  );
  const reports = startReports(args, context);
  try {
    const target = await reachCluster(args, context.stderr);
    const cluster = target.cluster;
    // Before the run creates anything (setup, agent, probe pods): exit 3 naming each permission its user lacks.
    for (const notice of await checkRunAccess(target.kubeConfig))
      context.stderr.write(`netpol-assert: ${noticeText(notice)}\n`);
    interrupt.signal.addEventListener('abort', () => cluster.closeOpenExecs(), { once: true });
    const live = {
      image: args.image,
      keepAgent: args['keep-agent'],
      settleSeconds: args.settle,
      readyTimeoutMs: args['ready-timeout'] * 1000,
      log: (line: string) => void context.stderr.write(`netpol-assert: ${line}\n`),
      progress: reports.progress,
      ...(target.outsideSources ? { outsideSources: target.outsideSources } : {}),
    };
    const result = await withSetupApplied(setup, token, target, live, interrupt.signal, async () => {
      // Generated cases and contradictions come from the policies in force, setup included.
      const planned = await suitesToRun(suites, packs, args, context, {
        state: async () => (await cluster.snapshot()).state,
        live: { outsideHosts: target.labSocket !== undefined },
      });
      if (!planned) return undefined;
      return withPacksApplied(packs, token, target, live, interrupt.signal, () =>
        runLive(planned, cluster, live, interrupt.signal),
      );
    });
    if (!result) return ExitCode.badInput;
    return await reports.finish(result);
  } catch (error) {
    reports.abandon(error instanceof Error ? error.message : String(error));
    return exitForFailure(error, context);
  } finally {
    interrupt.dispose();
  }
}
