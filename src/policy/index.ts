/** The policy model: pure, no client, no files. */

// The cluster and policies as data, and the raw API object.
export type * from './cluster.js';
export type * from './policy.js';
export type * from './manifest.js';
export type * from './cluster-policy.js';
export { clusterPolicyText, compareClusterPolicies } from './cluster-policy.js';

// Label selectors: matching, kubectl syntax, validation, probe labels.
export {
  EMPTY_SELECTOR,
  formatSelector,
  isEmptySelector,
  labelKeyProblem,
  labelsSatisfying,
  labelValue,
  labelValueProblem,
  matchesSelector,
  parseSelector,
  PROBE_LABEL_VALUE,
  selectorFromManifest,
  selectorManifestProblems,
} from './selector.js';
export type {
  LabelSelector,
  ParseSelectorResult,
  SelectorOperator,
  SelectorProblem,
  SelectorRequirement,
} from './selector.js';

// From manifest to model, with the API server's validation as data.
export { buildPolicy, policyTypes } from './build.js';
export type { BuildPolicyResult } from './build.js';
export { isPortNumber, portNameProblem, validatePolicy } from './validate-policy.js';
export type { PolicyError, PolicyErrorCode, PolicyPath } from './policy-error.js';
export { buildClusterPolicy, CLUSTER_POLICY_GROUP, isModelledClusterPolicy } from './build-cluster-policy.js';
export type { BuildClusterPolicyResult } from './build-cluster-policy.js';
export { clusterPolicyWarnings, unmodelledPolicyOf } from './cluster-policy-warnings.js';
export type { ClusterPolicyWarning } from './cluster-policy-warnings.js';

// Verdicts: the query, the engine, and the reasons.
export type { Traffic, TrafficEndpoint } from './traffic.js';
export { PolicyEngine } from './verdict.js';
export type {
  DirectionDecision,
  DirectionVerdict,
  PolicyVerdict,
  RuleMatch,
  TierStep,
  TierTrail,
} from './verdict.js';
export { withNamespaceNameLabels } from './namespace-names.js';
