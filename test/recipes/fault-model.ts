/**
 * What each lab `--cni` fault does to a pack, derived from the policy model rather than
 * written down: the pack's policies rewritten as the faulty plugin enforces them, then
 * the pack predicted against those. The assertions that no longer pass are the ones the
 * fault must break in the lab, and only those.
 */
import type { ManifestObject } from '../../src/manifests/index.js';
import { policyTypes } from '../../src/policy/index.js';
import type { NetworkPolicyManifest, NetworkPolicyPeerManifest } from '../../src/policy/index.js';
import { predictPack } from '../../src/recipes/index.js';
import type { RecipePack } from '../../src/recipes/index.js';

export const FAULT_MODES = ['full', 'none', 'ingress-only', 'no-combined-selectors'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** A peer no pod matches: a label nothing carries, in the policy's own namespace. */
const MATCHES_NOTHING: NetworkPolicyPeerManifest = {
  podSelector: { matchLabels: { 'netpol-assert.io/fault': 'matches-nothing' } },
};

export function policiesUnder(mode: FaultMode, policies: readonly ManifestObject[]): ManifestObject[] {
  switch (mode) {
    case 'full':
      return [...policies];
    case 'none':
      // A plugin without policy support (flannel): no policy is enforced at all.
      return [];
    case 'ingress-only':
      // Egress rules ignored (Weave before 2.4): only the Ingress half of a policy is left.
      return policies.flatMap((manifest) => {
        const policy = manifest.object as unknown as NetworkPolicyManifest;
        if (!policyTypes(policy).ingress) return [];
        const spec = { ...policy.spec, policyTypes: ['Ingress'] };
        delete spec.egress;
        return [{ ...manifest, object: { ...manifest.object, spec } }];
      });
    case 'no-combined-selectors':
      // A peer with both namespaceSelector and podSelector matches nothing (Weave 2.5).
      return policies.map((manifest) => {
        const policy = manifest.object as unknown as NetworkPolicyManifest;
        const peers = (list: NetworkPolicyPeerManifest[] | null | undefined) =>
          list?.map((peer) => (peer.namespaceSelector && peer.podSelector ? MATCHES_NOTHING : peer));
        const spec = {
          ...policy.spec,
          ingress: policy.spec.ingress?.map((rule) => ({ ...rule, from: peers(rule.from) })),
          egress: policy.spec.egress?.map((rule) => ({ ...rule, to: peers(rule.to) })),
        };
        return { ...manifest, object: { ...manifest.object, spec: withoutUndefined(spec) } };
      });
    default: {
      const unknown: never = mode;
      throw new Error(`unknown mode ${String(unknown)}`);
    }
  }
}

/** `recipe\nassertion` for each assertion of the pack that a plugin with the fault fails. */
export function expectedFailures(pack: RecipePack, mode: FaultMode): Set<string> {
  const result = predictPack(pack, { policies: policiesUnder(mode, pack.policyObjects) });
  return new Set(
    result.suites.flatMap((suite) =>
      suite.assertions
        .filter((a) => a.outcome !== 'pass' && a.outcome !== 'skip')
        .map((a) => caseKey(suite.suite.name, a.assertion.name)),
    ),
  );
}

export function caseKey(recipe: string, assertion: string): string {
  return `${recipe}\n${assertion}`;
}

/** `egress: undefined` would read as "no egress rules"; absent keys keep the policy's meaning. */
function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
