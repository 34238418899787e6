/** What `run` does: the suites (and the recipe packs they name) as real traffic, reported. */
import { exitForFailure } from './exit-for-failure.js';
import { runLive } from '../probe/index.js';
import { renderVerdict } from '../report/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { applyGeneration, needsModel } from './generation.js';
import { loadSuites } from './inputs.js';
import {
  loadSuiteRecipes,
  newRunToken,
  packTargetFor,
  withPacksApplied,
  withRecipeAssertions,
} from '../recipes/index.js';
import { abortOnSignals } from './interrupt.js';
import type { RunArgs } from './run-command.js';
import { writeReports } from './output.js';

export async function runSuites(args: RunArgs, context: CommandContext): Promise<number> {
  const suites = await loadSuites(args.paths, context);
  if (!suites) return ExitCode.badInput;
  // Recipe packs the suites name (`recipes: [...]`) run in namespaces of this run's own.
  const token = newRunToken();
  const recipes = await loadSuiteRecipes(suites, { run: token });
  if (!recipes.ok) {
    for (const problem of recipes.problems) context.stderr.write(`${problem}\n`);
    return ExitCode.badInput;
  }
  const interrupt = abortOnSignals((name) =>
    context.stderr.write(`netpol-assert: ${name}: stopping, removing what this run created...\n`),
  );
  try {
    const target = packTargetFor(args);
    const cluster = target.cluster;
    interrupt.signal.addEventListener('abort', () => cluster.closeOpenExecs(), { once: true });
    // Generated cases and contradictions come from the policies in force, before anything runs.
    const merged = needsModel(suites, args)
      ? applyGeneration(suites, (await cluster.snapshot()).state, args, context, false, {
          // A cluster does not say which outside addresses answer: no generated case goes to one.
          outsideHosts: [],
        })
      : suites;
    if (!merged) return ExitCode.badInput;
    const live = {
      image: args.image,
      keepAgent: args['keep-agent'],
      settleSeconds: args.settle,
      readyTimeoutMs: args['ready-timeout'] * 1000,
      explain: renderVerdict,
      log: (line: string) => void context.stderr.write(`netpol-assert: ${line}\n`),
    };
    const withRecipes = withRecipeAssertions(merged, recipes.packs, {
      outsideHosts: target.labSocket !== undefined,
    });
    const result = await withPacksApplied(recipes.packs, token, target, live, interrupt.signal, () =>
      runLive(withRecipes, cluster, live, interrupt.signal),
    );
    return await writeReports(result, args, context);
  } catch (error) {
    return exitForFailure(error, context);
  } finally {
    interrupt.dispose();
  }
}
