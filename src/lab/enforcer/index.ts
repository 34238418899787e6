/** NetworkPolicies to nftables, per node, the way a network plugin programs them. */

// `--cni` modes.
export { FULL, formatCniMode, parseCniMode } from './cni-mode.js';
export type { CniMode, ParseCniModeResult } from './cni-mode.js';

// What goes in, what comes out, and the two steps between.
export type { EnforcedNamespace, EnforcedNode, EnforcedPod, EnforcementInput } from './enforcement-input.js';
export type { AddressMatch, Allow, NodeRuleset, PodChains, PortMatch } from './node-ruleset.js';
export { compileRulesets, NAMESPACE_NAME_LABEL } from './compile-rulesets.js';
export { renderRuleset, TABLE } from './render-nft.js';
export { applyNftRuleset } from './apply-nft.js';
