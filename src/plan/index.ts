/**
 * The planner: suites and a cluster in, the (source, destination, port) pairs each
 * assertion stands for out, with the probe pods and namespaces a run must create. Pure.
 * Every runner observes a plan; the model answers for it.
 */

// Planning: assertions to pairs.
export { describeEndpoint, planProbes } from './plan.js';
export type { PlannedAssertion, ProbeEndpoint, ProbePair, ProbePlan, SyntheticPod } from './plan.js';
export type { PlanProblem, PlanProblemCode } from './plan-problem.js';

// The model over a plan: the cluster plus what the plan creates, and each pair as traffic.
export { PlanModel, stateWithSynthetics, trafficOf } from './plan-model.js';
