/**
 * `netpol-assert recipes list | show ID | run [ID...] [--repeat N]`: the Kubernetes
 * Network Policy Recipes as regression packs (interface.md §2). `run` applies each pack
 * in namespaces of its own, runs its suite through the agent and deletes the namespaces;
 * with `--repeat N` it prints the seed study's ✓/❌/~ matrix instead of a report.
 */
import { exitForFailure } from './exit-for-failure.js';
import type { Argv, CommandModule } from 'yargs';
import {
  allPassed,
  listRecipeIds,
  loadRecipe,
  matrixOf,
  packTargetFor,
  renderMatrix,
  resolveRecipeId,
  runRecipes,
} from '../recipes/index.js';
import type { RecipePack } from '../recipes/index.js';
import { renderVerdict } from '../report/index.js';
import { formatDestination, formatEndpoint } from '../suite/index.js';
import type { CommandContext, CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';
import { ExitCode } from './exit-codes.js';
import { abortOnSignals } from './interrupt.js';
import { withLiveRunOptions, withReportOptions } from './options.js';
import type { LiveRunArgs, ReportOptions } from './options.js';
import { writeReports } from './output.js';

interface ShowArgs {
  id: string;
}

type RunArgs = ReportOptions &
  ClusterOptions & {
    ids?: string[];
    repeat: number;
  } & LiveRunArgs;

const MAX_REPEAT = 100;
const GONE_TIMEOUT_MS = 120_000;

export const recipesCommand: CommandFactory<object> = (context, setExit) => ({
  command: 'recipes <command>',
  describe: 'the Kubernetes Network Policy Recipes as regression packs: list, show, run',
  builder: (args) =>
    args
      .command(listCommand(context, setExit))
      .command(showCommand(context, setExit))
      .command(runCommand(context, setExit))
      .demandCommand(1, 'name a recipes command: list, show or run') as never,
  handler: () => undefined,
});

function listCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<object, object> {
  return {
    command: 'list',
    describe: 'every pack: its id, the recipe title and how many assertions it makes',
    handler: async () => {
      const packs = await loadPacks(undefined, context);
      if (packs === undefined) return setExit(ExitCode.badInput);
      const width = Math.max(...packs.map((pack) => pack.id.length));
      for (const pack of packs) {
        const count = pack.suite.assertions.length;
        context.stdout.write(
          `${pack.id.padEnd(width)}  ${pack.title} (${count} assertion${count === 1 ? '' : 's'})\n`,
        );
      }
      setExit(ExitCode.ok);
    },
  };
}

function showCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<object, ShowArgs> {
  return {
    command: 'show <id>',
    describe: 'one pack: the recipe, its policies as YAML, and its assertions',
    builder: (args) =>
      args.positional('id', {
        type: 'string',
        demandOption: true,
        describe: 'the recipe id or its number (07, 02a)',
      }) as Argv<ShowArgs>,
    handler: async (args) => {
      const packs = await loadPacks([args.id], context);
      const pack = packs?.[0];
      if (pack === undefined) return setExit(ExitCode.badInput);
      context.stdout.write(renderPack(pack));
      setExit(ExitCode.ok);
    },
  };
}

function runCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<object, RunArgs> {
  return {
    command: 'run [ids..]',
    describe: 'apply packs (all by default) in namespaces of their own, run them, and delete them again',
    builder: (args) =>
      withLiveRunOptions(
        withClusterOptions(withReportOptions(args)),
        "the packs' pods, probe pods and the agent",
      )
        .positional('ids', {
          type: 'string',
          array: true,
          describe: 'recipe ids or numbers (default: every pack)',
        })
        .option('repeat', {
          type: 'number',
          default: 1,
          describe: `run every pack N times (1-${MAX_REPEAT}) and print the ✓/❌/~ matrix instead of a report`,
        }) as Argv<RunArgs>,
    handler: async (args) => setExit(await run(args, context)),
  };
}

async function run(args: RunArgs, context: CommandContext): Promise<number> {
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
    const target = packTargetFor(args);
    interrupt.signal.addEventListener('abort', () => target.cluster.closeOpenExecs(), { once: true });
    const outcome = await runRecipes(
      packs.map((pack) => pack.id),
      target,
      {
        image: args.image,
        keepAgent: args['keep-agent'],
        settleSeconds: args.settle,
        readyTimeoutMs: args['ready-timeout'] * 1000,
        explain: renderVerdict,
        log,
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

/** The packs named (every pack when none is), or undefined after printing every problem. */
async function loadPacks(
  names: readonly string[] | undefined,
  context: CommandContext,
): Promise<RecipePack[] | undefined> {
  const known = await listRecipeIds();
  const ids = (names ?? known).map((name) => [name, resolveRecipeId(name, known)] as const);
  const unknown = ids.filter(([, id]) => id === undefined).map(([name]) => name);
  if (unknown.length > 0) {
    for (const name of unknown)
      context.stderr.write(`netpol-assert: no recipe '${name}'; "netpol-assert recipes list" names them\n`);
    return undefined;
  }
  const unique = [...new Set(ids.map(([, id]) => id ?? ''))];
  const loads = await Promise.all(unique.map((id) => loadRecipe(id)));
  const problems = loads.flatMap((load) => (load.ok ? [] : load.problems));
  for (const problem of problems) context.stderr.write(`${problem}\n`);
  return problems.length > 0 ? undefined : loads.flatMap((load) => (load.ok ? [load.pack] : []));
}

/** `recipes show`: in the recipe's own namespaces, with what they become. */
function renderPack(pack: RecipePack): string {
  const lines = [pack.id, pack.title, ...(pack.source === undefined ? [] : [pack.source]), ''];
  const mapping = [...pack.namespaces].map(([name, mapped]) => `${name} → ${mapped}`).join(', ');
  lines.push(`namespaces: ${mapping} (a live run adds its token: rcp-NN-<run>-<namespace>)`);
  if (pack.externalHosts.length > 0)
    lines.push(
      `outside hosts (lab only): ${pack.externalHosts.map((h) => `${h.name} ${h.address}`).join(', ')}`,
    );
  lines.push(
    '',
    'policy.yaml:',
    ...pack.policyText
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
    '',
  );
  lines.push('assertions:');
  for (const assertion of pack.writtenSuite.assertions) {
    const to = formatDestination(
      assertion.to,
      assertion.port,
      assertion.protocol === 'TCP' ? undefined : assertion.protocol,
    );
    lines.push(`  ${assertion.expect.padEnd(5)}  ${assertion.name}`);
    lines.push(`         from ${formatEndpoint(assertion.from)} to ${to}`);
  }
  return `${lines.join('\n')}\n`;
}
