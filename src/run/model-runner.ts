/**
 * The model runner: a plan observed through the policy model instead of the wire, one
 * verdict per pair, each timed. `predict` is this runner and the one judge; `explain`
 * renders what it returns.
 */
import { PlanModel } from '../plan/index.js';
import type { ProbePlan } from '../plan/index.js';
import type { ClusterState } from '../policy/index.js';
import { RunJudge } from './judge-run.js';
import type { JudgeOptions } from './judge-run.js';
import type { Runner } from './observation.js';
import type { RunResult } from './result.js';

export interface PredictOptions extends JudgeOptions {
  /** What the state is, for report headers (`--state DIR`, `recipe 07`). */
  readonly target: string;
}

/** A runner that answers at once: the model needs no waiting. */
export interface ModelRunner extends Runner {
  observe(plan: ProbePlan, deliver: Parameters<Runner['observe']>[1]): void;
}

export function modelRunner(model: PlanModel, target: string): ModelRunner {
  return {
    mode: 'predict',
    target,
    concurrent: false,
    observe(plan, deliver) {
      // Built before the first pair is timed: the build belongs to the run, not to that pair.
      void model.engine;
      for (const pair of plan.pairs.values()) {
        const started = performance.now();
        const { allowed } = model.verdict(pair);
        const durationMs = performance.now() - started;
        deliver({ pair, observations: [allowed ? 'allowed' : 'denied'], durationMs });
      }
    },
  };
}

/** The plan's verdicts from the model of `state`, judged as a live run's observations are. */
export function predict(plan: ProbePlan, state: ClusterState, options: PredictOptions): RunResult {
  const startedAt = options.startedAt ?? performance.now();
  const model = new PlanModel(state, plan);
  const runner = modelRunner(model, options.target);
  const judge = new RunJudge(plan, model, runner, { ...options, startedAt });
  runner.observe(plan, (record) => judge.add(record));
  return judge.finish();
}
