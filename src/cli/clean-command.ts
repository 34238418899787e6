/**
 * `netpol-assert clean`: remove everything a run or the agent left in a cluster (after a
 * killed run): what carries the run label, of any kind the cluster serves (probe pods,
 * run namespaces, suites' setup objects), and the agent, whichever runs claim it.
 */
import type { CommandContext, CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';
import { ExitCode } from './exit-codes.js';

type CleanArgs = ClusterOptions & { 'keep-agent': boolean };

export const cleanCommand: CommandFactory<CleanArgs> = (context, setExit) => ({
  command: 'clean',
  describe: 'remove probe pods, run namespaces and the agent that earlier runs left behind',
  builder: (args) =>
    withClusterOptions(args).option('keep-agent', {
      type: 'boolean',
      default: false,
      describe: 'leave the agent',
    }),
  handler: async (args) => setExit(await clean(args, context)),
});

async function clean(args: CleanArgs, context: CommandContext): Promise<number> {
  // The Kubernetes client loads here, when the command runs, not with the command line.
  const [{ reachCluster }, { exitForFailure }, { removeSetupLeftovers }] = await Promise.all([
    import('./connect-cluster.js'),
    import('./exit-for-failure.js'),
    import('../cluster/index.js'),
  ]);
  try {
    const { cluster, kubeConfig } = await reachCluster(args);
    // What a killed run left with its label, of every kind the cluster serves (a suite's
    // setup objects), then its probe pods and namespaces, then the agent.
    const leftovers = await removeSetupLeftovers(kubeConfig);
    for (const object of leftovers.removed) context.stdout.write(`removed setup object ${object}\n`);
    for (const kind of leftovers.notSearched)
      context.stderr.write(`netpol-assert: not searched for leftovers: ${kind}\n`);
    await cluster.removeRunObjects();
    if (!args['keep-agent']) await cluster.removeAgent();
    context.stdout.write(`removed netpol-assert's leftovers from ${cluster.name}\n`);
    return ExitCode.ok;
  } catch (error) {
    return exitForFailure(error, context);
  }
}
