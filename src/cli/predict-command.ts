/**
 * `netpol-assert predict PATH... --state DIR`: the suites' verdicts from the policy model,
 * no cluster. The work is in predict.ts, loaded when the command runs (--help stays quick).
 */
import type { CommandFactory } from './command.js';
import { withGenerationOptions, withReportOptions, withStateOptions } from './options.js';
import type { GenerationOptions, ReportOptions, StateOptions } from './options.js';

export type PredictArgs = ReportOptions & StateOptions & GenerationOptions & { paths: string[] };

export const predictCommand: CommandFactory<PredictArgs> = (context, setExit) => ({
  command: 'predict <paths..>',
  describe: 'evaluate suites against the policy model of a cluster described by manifests (offline)',
  builder: (args) =>
    withGenerationOptions(withStateOptions(withReportOptions(args))).positional('paths', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'suite files or folders',
    }),
  handler: async (args) => {
    const { runPredict } = await import('./predict.js');
    setExit(await runPredict(args, context));
  },
});
