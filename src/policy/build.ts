/**
 * From the API object to the model, stating each default where the spec states it.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/
 */
import type { Protocol } from './cluster.js';
import type {
  LabelSelectorManifest,
  NetworkPolicyManifest,
  NetworkPolicyPeerManifest,
  NetworkPolicyPortManifest,
} from './manifest.js';
import type {
  NamespaceMatcher,
  NetworkPolicy,
  Peer,
  PeerMatcher,
  PodMatcher,
  PortMatcher,
  PortRule,
  Rule,
} from './policy.js';
import { isEmptySelector, selectorFromManifest } from './selector.js';
import { validatePolicy } from './validate-policy.js';
import type { PolicyError } from './policy-error.js';

export type BuildPolicyResult =
  | { readonly ok: true; readonly policy: NetworkPolicy }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

/** A manifest without metadata.namespace lives where it is applied: `defaultNamespace`. */
export function buildPolicy(m: NetworkPolicyManifest, defaultNamespace = 'default'): BuildPolicyResult {
  const errors = validatePolicy(m);
  if (errors.length > 0) return { ok: false, errors };
  const namespace = m.metadata.namespace || defaultNamespace;
  const { spec } = m;
  const types = policyTypes(m);
  return {
    ok: true,
    policy: {
      ref: { namespace, name: m.metadata.name },
      // "An empty podSelector selects all pods in the namespace."
      target: { namespace, podSelector: selectorFromManifest(spec.podSelector) },
      // A listed type with no rules (key absent or `[]`) isolates and allows nothing.
      ...(types.ingress
        ? { ingress: (spec.ingress ?? []).map((r) => rule(namespace, r.from, r.ports)) }
        : {}),
      ...(types.egress ? { egress: (spec.egress ?? []).map((r) => rule(namespace, r.to, r.ports)) } : {}),
    },
  };
}

/**
 * "If no policyTypes are specified on a NetworkPolicy then by default Ingress will always
 * be set and Egress will be set if the NetworkPolicy has any egress rules." "Not
 * specified" is the API server's: its defaulting (SetDefaults_NetworkPolicy in
 * pkg/apis/networking/v1/defaults.go) tests `len(spec.PolicyTypes) == 0`, so
 * `policyTypes: []` and null are defaulted as a missing key is; and it tests
 * `len(spec.Egress) != 0`, so `egress: []` without policyTypes leaves egress alone,
 * exactly as an absent key does.
 */
export function policyTypes(m: NetworkPolicyManifest): {
  readonly ingress: boolean;
  readonly egress: boolean;
} {
  const listed = m.spec.policyTypes ?? [];
  if (listed.length === 0) return { ingress: true, egress: (m.spec.egress ?? []).length > 0 };
  return { ingress: listed.includes('Ingress'), egress: listed.includes('Egress') };
}

function rule(
  namespace: string,
  peers: NetworkPolicyPeerManifest[] | null | undefined,
  ports: NetworkPolicyPortManifest[] | null | undefined,
): Rule {
  return { peers: peerMatcher(namespace, peers), ports: portMatcher(ports) };
}

/** "If this field is empty or missing, this rule matches all sources/destinations." */
function peerMatcher(namespace: string, peers: NetworkPolicyPeerManifest[] | null | undefined): PeerMatcher {
  if (peers === null || peers === undefined || peers.length === 0) return { kind: 'anyPeer' };
  return { kind: 'peers', peers: peers.map((p) => peer(namespace, p)) };
}

/** Validation has ruled out ipBlock beside a selector and a peer with neither. */
function peer(namespace: string, p: NetworkPolicyPeerManifest): Peer {
  if (p.ipBlock) return { kind: 'ipBlock', cidr: p.ipBlock.cidr, except: [...(p.ipBlock.except ?? [])] };
  // podSelector and namespaceSelector in one peer: pods matching both (AND).
  return {
    kind: 'pods',
    namespaces: namespaceMatcher(namespace, p.namespaceSelector),
    pods: podMatcher(p.podSelector),
  };
}

/** Absent: the policy's own namespace; `{}`: every namespace; otherwise by label. */
function namespaceMatcher(
  namespace: string,
  selector: LabelSelectorManifest | null | undefined,
): NamespaceMatcher {
  if (selector === null || selector === undefined) return { kind: 'own', namespace };
  const model = selectorFromManifest(selector);
  return isEmptySelector(model) ? { kind: 'all' } : { kind: 'labelled', selector: model };
}

/** Absent (beside a namespaceSelector) or `{}`: every pod of the chosen namespaces. */
function podMatcher(selector: LabelSelectorManifest | null | undefined): PodMatcher {
  const model = selectorFromManifest(selector);
  return isEmptySelector(model) ? { kind: 'all' } : { kind: 'labelled', selector: model };
}

/** "If this field is empty or missing, this rule matches all ports." */
function portMatcher(ports: NetworkPolicyPortManifest[] | null | undefined): PortMatcher {
  if (ports === null || ports === undefined || ports.length === 0) return { kind: 'anyPort' };
  return { kind: 'ports', ports: ports.map(portRule) };
}

/**
 * protocol defaults to TCP; a missing port means every port of that protocol, so
 * `ports: [{}]` admits every TCP port and no UDP or SCTP one.
 */
function portRule(p: NetworkPolicyPortManifest): PortRule {
  const protocol = (p.protocol ?? 'TCP') as Protocol;
  if (p.port === null || p.port === undefined) return { kind: 'allPortsOf', protocol };
  if (typeof p.port === 'string') return { kind: 'named', protocol, name: p.port };
  if (p.endPort === null || p.endPort === undefined) return { kind: 'number', protocol, port: p.port };
  return { kind: 'number', protocol, port: p.port, endPort: p.endPort };
}
