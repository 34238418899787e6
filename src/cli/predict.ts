/**
 * What `predict` does: suites and manifests in, the model's verdicts out as reports. The
 * suites are made as `run` makes them (suites-to-run.ts): the recipe packs they name are
 * read with the manifests, and their assertions join the suites that name them. The
 * suites' `setup:` files join the state as `run` applies them: over the cluster.
 */
import { relative, resolve } from 'node:path';
import { planProbes } from '../plan/index.js';
import { predict } from '../run/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { loadState, loadSuites } from './inputs.js';
import { startReports } from './output.js';
import type { PredictArgs } from './predict-command.js';
import { loadSuiteSetup } from './suite-setup.js';
import { loadNamedRecipes, suitesToRun } from './suites-to-run.js';

export async function runPredict(args: PredictArgs, context: CommandContext): Promise<number> {
  // Suites and manifests are read side by side, so the problems of both are reported at once.
  const suitesLoading = loadSuites(args.paths, context);
  const packsLoading = suitesLoading.then((suites) =>
    suites ? loadNamedRecipes(suites, context) : undefined,
  );
  // The suites' setup files, as `run` applies them: over the state, unless --state reads them already.
  const statePaths = args.state.map((path) => resolve(context.cwd, path));
  const setupLoading = suitesLoading.then((suites) =>
    suites
      ? loadSuiteSetup(suites, context, (file) => statePaths.some((path) => isWithin(file, path)))
      : undefined,
  );
  const [suites, packs, setup, loaded] = await Promise.all([
    suitesLoading,
    packsLoading,
    setupLoading,
    loadState(
      args.state,
      context,
      packsLoading.then((named) => (named ?? []).flatMap((pack) => pack.manifests)),
      setupLoading.then((read) => (read ? [...read.apiObjects, ...read.externalHosts] : [])),
    ),
  ]);
  if (!suites || !packs || !setup || !loaded) return ExitCode.badInput;
  const planned = await suitesToRun(suites, packs, args, context, { state: async () => loaded.state });
  if (!planned) return ExitCode.badInput;
  const reports = startReports(args, context);
  const result = predict(planProbes(planned, loaded.state), loaded.state, {
    target: `--state ${args.state.join(' ')}`,
    progress: reports.progress,
  });
  return reports.finish(result);
}

/** `file` is `folder` or below it. */
function isWithin(file: string, folder: string): boolean {
  const path = relative(folder, file);
  return path === '' || (!path.startsWith('..') && !path.startsWith('/'));
}
