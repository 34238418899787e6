/**
 * `netpol-assert [run] PATH...`: the suites as real traffic, through the agent, against a
 * cluster or the lab. The work is in run-suites.ts, loaded (with the Kubernetes client)
 * when the command runs.
 */
import type { CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';
import { withGenerationOptions, withLiveRunOptions, withReportOptions } from './options.js';
import type { GenerationOptions, LiveRunArgs, ReportOptions } from './options.js';

export type RunArgs = ReportOptions &
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
  handler: async (args) => {
    const { runSuites } = await import('./run-suites.js');
    setExit(await runSuites(args, context));
  },
});
