/**
 * A `from`/`to` entry, resolved against the cluster: the addresses it admits, and the
 * pods among them (for named ports on egress, resolved on each destination pod).
 *
 *   podSelector only            pods matching it, in the policy's namespace
 *   namespaceSelector only      every pod in the namespaces matching it
 *   both                        pods matching podSelector, in namespaces matching namespaceSelector
 *   ipBlock                     addresses in cidr and in no except (pods included, as Calico does)
 *
 * Pod selectors never match hostNetwork pods (their address is their node's).
 */
import type { Labels, NetworkPolicyPeerManifest } from '../../policy/index.js';
import type { Address, Block } from '../addresses/index.js';
import { blockContains, formatBlock, parseAddress, parseBlock } from '../addresses/index.js';
import type { CniMode } from './cni-mode.js';
import type { EnforcedPod } from './enforcement-input.js';
import { selectorMatches } from './match-selector.js';
import type { AddressMatch } from './node-ruleset.js';

export interface ResolvedPeer {
  /** Undefined when the peer admits nothing. */
  readonly match: AddressMatch | undefined;
  /** Pods (on the pod network) whose address the match admits. */
  readonly pods: readonly EnforcedPod[];
}

export interface PeerContext {
  readonly policyNamespace: string;
  /** Pods on the pod network (hostNetwork pods left out). */
  readonly networkPods: readonly EnforcedPod[];
  readonly namespaceLabels: (namespace: string) => Labels;
  readonly mode: CniMode;
}

const NOTHING: ResolvedPeer = { match: undefined, pods: [] };

/** `from`/`to` absent or empty: every address. */
export function anyPeer(context: PeerContext): ResolvedPeer {
  return { match: { kind: 'anyAddress' }, pods: context.networkPods };
}

export function resolvePeer(peer: NetworkPolicyPeerManifest, context: PeerContext): ResolvedPeer {
  const podSelector = peer.podSelector ?? undefined;
  const namespaceSelector = peer.namespaceSelector ?? undefined;
  const ipBlock = peer.ipBlock ?? undefined;
  if (ipBlock !== undefined) {
    if (podSelector !== undefined || namespaceSelector !== undefined) return NOTHING; // rejected by the API
    return context.mode.kind === 'no-ipblock' ? NOTHING : resolveIpBlock(ipBlock, context);
  }
  if (podSelector === undefined && namespaceSelector === undefined) return NOTHING; // rejected by the API
  if (
    podSelector !== undefined &&
    namespaceSelector !== undefined &&
    context.mode.kind === 'no-combined-selectors'
  ) {
    return NOTHING;
  }
  const pods = context.networkPods.filter(
    (pod) =>
      (namespaceSelector === undefined
        ? pod.namespace === context.policyNamespace
        : selectorMatches(namespaceSelector, context.namespaceLabels(pod.namespace))) &&
      (podSelector === undefined || selectorMatches(podSelector, pod.labels)),
  );
  return pods.length === 0
    ? NOTHING
    : { match: { kind: 'addresses', addresses: pods.map((pod) => pod.ip) }, pods };
}

function resolveIpBlock(ipBlock: { cidr: string; except?: string[] | null }, context: PeerContext) {
  const cidr = parseBlock(ipBlock.cidr, { allowHostBits: true });
  const except = (ipBlock.except ?? []).map((text) => parseBlock(text, { allowHostBits: true }));
  if (cidr === undefined || except.some((block) => block === undefined)) return NOTHING;
  // An except outside the cidr excludes nothing it admits (the API server rejects it anyway).
  const excepted = (except as Block[]).filter((block) => block.family === cidr.family);
  const admits = (address: Address) =>
    blockContains(cidr, address) && !excepted.some((block) => blockContains(block, address));
  const pods = context.networkPods.filter((pod) => {
    const address = parseAddress(pod.ip);
    return address !== undefined && admits(address);
  });
  const match: AddressMatch = { kind: 'block', cidr: formatBlock(cidr), except: excepted.map(formatBlock) };
  return { match, pods };
}
