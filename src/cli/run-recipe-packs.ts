/** What `recipes run` does: apply packs, run their suites through the agent, delete them again. */
import { reachCluster } from './connect-cluster.js';
import { exitForFailure } from './exit-for-failure.js';
import { allPassed, matrixOf, renderMatrix, runRecipes } from '../recipes/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { abortOnSignals } from './interrupt.js';
import { writeReports } from './output.js';
import { loadPacks } from './recipe-packs.js';
import { MAX_REPEAT } from './recipes-command.js';
import type { RunRecipesArgs } from './recipes-command.js';

const GONE_TIMEOUT_MS = 120_000;

export async function runRecipePacks(args: RunRecipesArgs, context: CommandContext): Promise<number> {
  const repeat = args.repeat;
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    context.stderr.write(`netpol-assert: --repeat must be a whole number from 1 to ${MAX_REPEAT}\n`);
    return ExitCode.badInput;
  }
  if (repeat > 1 && (args.reporter !== undefined || args.junit !== undefined || args.json !== undefined)) {
    context.stderr.write(
      'netpol-assert: a report describes one run; with --repeat the matrix is the report\n',
    );
    return ExitCode.badInput;
  }
  // An empty list is no list: `recipes run` means every pack.
  const packs = await loadPacks(args.ids?.length ? args.ids : undefined, context);
  if (packs === undefined) return ExitCode.badInput;
  const interrupt = abortOnSignals((name) =>
    context.stderr.write(`netpol-assert: ${name}: stopping, deleting the recipes' namespaces...\n`),
  );
  const log = (line: string): void => void context.stderr.write(`netpol-assert: ${line}\n`);
  try {
    const target = await reachCluster(args, context.stderr);
    interrupt.signal.addEventListener('abort', () => target.cluster.closeOpenExecs(), { once: true });
    const outcome = await runRecipes(
      packs.map((pack) => pack.id),
      target,
      {
        image: args.image,
        keepAgent: args['keep-agent'],
        settleSeconds: args.settle,
        readyTimeoutMs: args['ready-timeout'] * 1000,
        log,
        ...(target.outsideSources ? { outsideSources: target.outsideSources } : {}),
      },
      {
        repeat,
        goneTimeoutMs: GONE_TIMEOUT_MS,
        onRun: (number, result) => {
          const cases = result.suites.flatMap((suite) => suite.assertions);
          const passed = cases.filter((c) => c.outcome === 'pass').length;
          const skipped = cases.filter((c) => c.outcome === 'skip').length;
          log(
            `run ${number} of ${repeat}: ${passed} of ${cases.length - skipped} cases passed, ${skipped} skipped`,
          );
        },
      },
      interrupt.signal,
    );
    if (outcome.lingering.length > 0) log(`still terminating: ${outcome.lingering.join(', ')}`);
    const [only] = outcome.results;
    if (repeat === 1 && only !== undefined) return await writeReports(only, args, context);
    const matrix = matrixOf(
      outcome.results,
      outcome.results.map((_, index) => String(index + 1)),
    );
    context.stdout.write(renderMatrix(matrix, { summary: true }));
    return allPassed(matrix) ? ExitCode.ok : ExitCode.failed;
  } catch (error) {
    return exitForFailure(error, context);
  } finally {
    interrupt.dispose();
  }
}
