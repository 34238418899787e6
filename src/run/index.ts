/**
 * One run pipeline: a plan (src/plan) observed by a runner, which hands over one record
 * per pair, and one judge that builds the result every reporter reads. The model runner
 * lives here; the agents runner, which probes a live cluster, in src/probe.
 */

// What a run found: the result every reporter reads.
export { combineOutcomes } from './result.js';
export type * from './result.js';

// What a runner hands over: one record per pair.
export type { ListenerEvidence, PairObservation, Runner } from './observation.js';

// The one judge: a pair from its attempts, then assertions, suites and the run.
export { capturedObservation, judgeAttempts, judgeObservation } from './judge.js';
export type { CaptureSight, JudgedPair, PairVerdict } from './judge.js';
export { endpointRef, roundMs, RunJudge } from './judge-run.js';
export type { JudgeOptions } from './judge-run.js';

// The pipeline: a runner observes a plan, the judge builds the result.
export { runPlan } from './run-plan.js';

// Following a run as it goes.
export type { AssertionPosition, RunOutline, RunProgress } from './progress.js';

// The model runner: `predict`.
export { modelRunner, predict } from './model-runner.js';
export type { ModelRunner, PredictOptions } from './model-runner.js';
