/** `netpol-assert predict PATH... --state DIR`: the suites' verdicts from the policy model, no cluster. */
import type { CommandFactory } from './command.js';
import { ExitCode } from './exit-codes.js';
import { loadState, loadSuites } from './inputs.js';
import { applyGeneration, withGenerationOptions } from './generation.js';
import type { GenerationOptions } from './generation.js';
import { withReportOptions, withStateOptions } from './options.js';
import type { ReportOptions, StateOptions } from './options.js';
import { writeReports } from './output.js';
import { planProbes, predict } from '../probe/index.js';
import { renderVerdict } from '../report/index.js';

type PredictArgs = ReportOptions & StateOptions & GenerationOptions & { paths: string[] };

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
  handler: async (args) => setExit(await runPredict(args, context)),
});

async function runPredict(args: PredictArgs, context: Parameters<typeof predictCommand>[0]): Promise<number> {
  const [suites, loaded] = await Promise.all([
    loadSuites(args.paths, context),
    loadState(args.state, context),
  ]);
  if (!suites || !loaded) return ExitCode.badInput;
  const merged = applyGeneration(suites, loaded.state, args, context, true);
  if (!merged) return ExitCode.badInput;
  const plan = planProbes(merged, loaded.state);
  const result = predict(plan, loaded.state, {
    target: `--state ${args.state.join(' ')}`,
    explain: (verdict) => renderVerdict(verdict, loaded.state),
  });
  return writeReports(result, args, context);
}
