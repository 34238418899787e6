/** `netpol-assert [run] PATH...`: the suites as real traffic, through the agent, against a cluster or the lab. */
import { exitForFailure } from './exit-for-failure.js';
import { runLive } from '../probe/index.js';
import { renderVerdict } from '../report/index.js';
import type { CommandContext, CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';
import { ExitCode } from './exit-codes.js';
import { applyGeneration, needsModel, withGenerationOptions } from './generation.js';
import type { GenerationOptions } from './generation.js';
import { loadSuites } from './inputs.js';
import {
  loadSuiteRecipes,
  newRunToken,
  packTargetFor,
  withPacksApplied,
  withRecipeAssertions,
} from '../recipes/index.js';
import { abortOnSignals } from './interrupt.js';
import { withLiveRunOptions, withReportOptions } from './options.js';
import type { LiveRunArgs, ReportOptions } from './options.js';
import { writeReports } from './output.js';

type RunArgs = ReportOptions &
  ClusterOptions &
  GenerationOptions & {
    paths: string[];
  } & LiveRunArgs;

export const runCommand: CommandFactory<RunArgs> = (context, setExit) => ({
  command: ['run <paths..>', '$0 <paths..>'],
  describe: 'run suites as real traffic from inside the source pods (the default command)',
  builder: (args) =>
    withLiveRunOptions(withGenerationOptions(withClusterOptions(withReportOptions(args)))).positional(
      'paths',
      {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'suite files or folders',
      },
    ),
  handler: async (args) => setExit(await run(args, context)),
});

async function run(args: RunArgs, context: CommandContext): Promise<number> {
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
