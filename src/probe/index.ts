/** The probe engine: plans assertions into pairs, and runs plans (through the model, for now). */

// Planning: assertions to (source, destination, port) pairs.
export { describeEndpoint, planProbes } from './plan.js';
export type { PlannedAssertion, ProbeEndpoint, ProbePair, ProbePlan, SyntheticPod } from './plan.js';

// Running a plan offline, through the policy model.
export { endpointRef, predict, stateWithSynthetics, trafficOf } from './predict.js';
export type { PredictOptions } from './predict.js';

// What a run found.
export { combineOutcomes } from './result.js';
export type * from './result.js';
