/** The pipeline for a runner that takes its time: observe the plan, judge as records come. */
import type { PlanModel, ProbePlan } from '../plan/index.js';
import { RunJudge } from './judge-run.js';
import type { JudgeOptions } from './judge-run.js';
import type { Runner } from './observation.js';
import type { RunResult } from './result.js';

export async function runPlan(
  plan: ProbePlan,
  model: PlanModel,
  runner: Runner,
  options: JudgeOptions = {},
): Promise<RunResult> {
  const judge = new RunJudge(plan, model, runner, options);
  await runner.observe(plan, (record) => judge.add(record));
  return judge.finish();
}
