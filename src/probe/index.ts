/** The probe engine: plans assertions into pairs, and runs plans (through the model, for now). */

// Planning: assertions to (source, destination, port) pairs.
export { describeEndpoint, planProbes } from './plan.js';
export type { PlannedAssertion, ProbeEndpoint, ProbePair, ProbePlan, SyntheticPod } from './plan.js';

// Running a plan offline, through the policy model.
export { endpointRef, predict, stateWithSynthetics, trafficOf } from './predict.js';
export type { PredictOptions } from './predict.js';

// Generated cases: their expectations from the model, and merged into suites.
export { generateAssertions, GENERATED_FILE, settleGenerated } from './expect-generated.js';
export type { LiveGeneration, OutsideHost } from './expect-generated.js';
export type { GenerateAssertionsOptions, SettledSuites } from './expect-generated.js';
export { mergeGenerated } from './merge-generated.js';
export type { Contradiction, MergedSuites, MergeOptions } from './merge-generated.js';

// What a run found.
export { combineOutcomes } from './result.js';
export type * from './result.js';

// Running a plan live, through the agent, against any cluster.
export { runLive, RunInterrupted } from './live-run.js';
export type { LiveRunOptions } from './live-run.js';
export { judgeAttempts, judgeObservation } from './judge.js';
export type { ListenerEvidence, PairVerdict } from './judge.js';
export { AGENT_NAMESPACE, MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL } from './probe-cluster.js';
export type {
  AgentPod,
  ClusterSnapshot,
  ExecResult,
  LivePod,
  ProbeCluster,
  RunPodSpec,
} from './probe-cluster.js';
