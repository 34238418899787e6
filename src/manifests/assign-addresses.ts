/**
 * Every node and pod gets its addresses: the ones its manifest states, its node's for a
 * hostNetwork pod, or stable synthetic ones (see synthetic-ip.ts) that collide with no
 * stated address.
 */
import type { Node, Pod } from '../policy/index.js';
import type { SourceLocation } from '../shared/index.js';
import type { ManifestError } from './manifest-object.js';
import type { PodDraft } from './pod-draft.js';
import type { NodeDraft } from './read-node.js';
import { allocateStableAddresses, NODE_POOL, POD_POOL } from './synthetic-ip.js';
import type { AddressPool } from './synthetic-ip.js';

export interface Addressed {
  readonly nodes: Node[];
  readonly pods: Pod[];
  readonly errors: ManifestError[];
}

/** `otherTaken`: addresses stated elsewhere (ClusterIPs, outside hosts) that must stay unique. */
export function assignAddresses(
  nodeDrafts: readonly NodeDraft[],
  podDrafts: readonly PodDraft[],
  otherTaken: readonly string[],
): Addressed {
  const errors: ManifestError[] = [];
  const taken = new Set([
    ...otherTaken,
    ...nodeDrafts.flatMap((n) => n.addresses),
    ...podDrafts.flatMap((p) => p.ips),
  ]);
  const declaredNodes = new Map(nodeDrafts.map((node) => [node.name, node]));
  const homeless = podDrafts.filter(
    (pod) => pod.hostNetwork && pod.ips.length === 0 && !declaredNodes.has(pod.nodeName ?? ''),
  );
  // A hostNetwork pod without a node still stands for a host: it takes a node-range address.
  const hostAddresses = allocate(
    [
      ...nodeDrafts
        .filter((node) => node.addresses.length === 0)
        .map((node) => ({ key: `node/${node.name}` })),
      ...homeless.map((pod) => ({ key: `host/${podKey(pod)}`, location: pod.location })),
    ],
    NODE_POOL,
    taken,
    errors,
  );
  const nodes = nodeDrafts.map((node): Node => ({
    name: node.name,
    labels: node.labels,
    addresses: node.addresses.length > 0 ? node.addresses : listOf(hostAddresses.get(`node/${node.name}`)),
  }));
  const nodeAddresses = new Map(nodes.map((node) => [node.name, node.addresses]));
  const podAddresses = allocate(
    podDrafts
      .filter((pod) => !pod.hostNetwork && pod.ips.length === 0)
      .map((pod) => ({ key: podKey(pod), location: pod.location })),
    POD_POOL,
    new Set([...taken, ...hostAddresses.values()]),
    errors,
  );
  const pods = podDrafts.map((draft): Pod => {
    const ips =
      draft.ips.length > 0
        ? draft.ips
        : draft.hostNetwork
          ? (nodeAddresses.get(draft.nodeName ?? '') ?? listOf(hostAddresses.get(`host/${podKey(draft)}`)))
          : listOf(podAddresses.get(podKey(draft)));
    return podOf(draft, ips);
  });
  return { nodes, pods, errors };
}

interface KeyedRequest {
  readonly key: string;
  readonly location?: SourceLocation;
}

function allocate(
  requests: readonly KeyedRequest[],
  pool: AddressPool,
  taken: ReadonlySet<string>,
  errors: ManifestError[],
): ReadonlyMap<string, string> {
  const allocation = allocateStableAddresses(
    requests.map((request) => request.key),
    pool,
    taken,
  );
  if (allocation.kind === 'allocated') return allocation.addresses;
  const location = requests.find((request) => request.key === allocation.key)?.location ?? {
    file: '<manifests>',
    line: 1,
    col: 1,
  };
  const message = `no synthetic address left for ${allocation.key}: give some pods or nodes their addresses`;
  errors.push({ code: 'BAD_VALUE', message, location });
  return new Map();
}

function podKey(pod: PodDraft): string {
  return `${pod.namespace}/${pod.name}`;
}

function listOf(address: string | undefined): string[] {
  return address === undefined ? [] : [address];
}

function podOf(draft: PodDraft, ips: readonly string[]): Pod {
  return {
    namespace: draft.namespace,
    name: draft.name,
    labels: draft.labels,
    ips,
    ...(draft.nodeName === undefined ? {} : { nodeName: draft.nodeName }),
    hostNetwork: draft.hostNetwork,
    ports: draft.ports,
    ...(draft.owner === undefined ? {} : { owner: draft.owner }),
  };
}
