/**
 * Which pods a policy selects and which directions it isolates, with the defaults the
 * spec states: podSelector `{}` (or absent) selects every pod of the policy's namespace;
 * policyTypes absent means Ingress, plus Egress when the policy has egress rules.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 *
 * "Absent" is the API server's: its defaulting (SetDefaults_NetworkPolicy in
 * pkg/apis/networking/v1/defaults.go) tests `len(spec.PolicyTypes) == 0`, so an empty
 * list (`policyTypes: []`) and null are defaulted exactly as a missing key, and the
 * egress test is `len(spec.Egress) != 0`, so `egress: []` adds no Egress.
 */
import type { NetworkPolicyManifest } from '../../policy/index.js';
import type { EnforcedPod } from './enforcement-input.js';
import { selectorMatches } from './match-selector.js';

export type Direction = 'ingress' | 'egress';

export function policyNamespace(policy: NetworkPolicyManifest): string {
  return policy.metadata.namespace ?? 'default';
}

export function isolates(policy: NetworkPolicyManifest, direction: Direction): boolean {
  const types = policy.spec.policyTypes ?? [];
  if (types.length === 0) return direction === 'ingress' || (policy.spec.egress ?? []).length > 0;
  return types.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
}

/** hostNetwork pods are never selected: their traffic is their node's. */
export function selects(policy: NetworkPolicyManifest, pod: EnforcedPod): boolean {
  return (
    !pod.hostNetwork &&
    pod.namespace === policyNamespace(policy) &&
    selectorMatches(policy.spec.podSelector ?? {}, pod.labels)
  );
}
