/**
 * NetworkPolicies and cluster policies (policy.networking.k8s.io: ClusterNetworkPolicy,
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy) to nftables, per node, the way a
 * network plugin programs them.
 *
 * Independent of src/policy on purpose, so each checks the other: the differential test
 * compares what the enforcer programs with the model's verdicts, and shared code would
 * hide a shared bug. So the enforcer keeps its own namespace-name label constant
 * (compile-rulesets.ts) and its own address parsing (src/lab/addresses) rather than
 * src/shared's; it takes only the manifest types from src/policy, and reads cluster
 * policies' raw objects itself (cluster-policy-object.ts).
 */

// `--cni` modes.
export { formatCni, formatCniMode, FULL, LOSSY, parseCniMode } from './cni-mode.js';
export type { CniMode, LinkFaults, ParseCniModeResult } from './cni-mode.js';

// What goes in, what comes out, and the two steps between.
export type { EnforcedNamespace, EnforcedNode, EnforcedPod, EnforcementInput } from './enforcement-input.js';
export type { ClusterPolicyObject } from './cluster-policy-object.js';
export type {
  AddressMatch,
  Allow,
  ClusterClauses,
  NodeRuleset,
  PodChains,
  PortMatch,
  TierClause,
} from './node-ruleset.js';
export { compileRulesets, NAMESPACE_NAME_LABEL } from './compile-rulesets.js';
export { renderRuleset, TABLE } from './render-nft.js';
export { applyNftRuleset } from './apply-nft.js';

// Which directions a policy isolates, policyTypes defaulted as the API server does.
export { isolates } from './isolation.js';
export type { Direction } from './isolation.js';
