/**
 * `netpol-assert recipes list | show ID | run [ID...] [--repeat N]`: the Kubernetes
 * Network Policy Recipes as regression packs (docs/contract.md §2). `run` applies each pack
 * in namespaces of its own, runs its suite through the agent and deletes the namespaces;
 * with `--repeat N` it prints the seed study's ✓/❌/~ matrix instead of a report.
 * `list` and `show` load the packs only (recipe-packs.ts); `run` loads the Kubernetes
 * client and the lab (run-recipe-packs.ts), each when the command runs.
 */
import type { Argv, CommandModule } from 'yargs';
import type { CommandContext, CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';
import { withLiveRunOptions, withReportOptions } from './options.js';
import type { LiveRunArgs, ReportOptions } from './options.js';

interface ShowArgs {
  id: string;
}

export type RunRecipesArgs = ReportOptions &
  ClusterOptions & {
    ids?: string[];
    repeat: number;
  } & LiveRunArgs;

export const MAX_REPEAT = 100;

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
      const { listPacks } = await import('./recipe-packs.js');
      setExit(await listPacks(context));
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
      const { showPack } = await import('./recipe-packs.js');
      setExit(await showPack(args.id, context));
    },
  };
}

function runCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<object, RunRecipesArgs> {
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
        }) as Argv<RunRecipesArgs>,
    handler: async (args) => {
      const { runRecipePacks } = await import('./run-recipe-packs.js');
      setExit(await runRecipePacks(args, context));
    },
  };
}
