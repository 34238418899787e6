/** What `predict` does: suites and manifests in, the model's verdicts out as reports. */
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import { loadState, loadSuites } from './inputs.js';
import { applyGeneration } from './generation.js';
import { writeReports } from './output.js';
import type { PredictArgs } from './predict-command.js';
import { planProbes, predict } from '../probe/index.js';
import { renderVerdict } from '../report/index.js';

export async function runPredict(args: PredictArgs, context: CommandContext): Promise<number> {
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
