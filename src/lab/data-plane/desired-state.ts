/**
 * What the control plane asks the data plane for: nodes, namespaces, pods, outside
 * hosts, raw NetworkPolicies and cluster policies. `apply` makes the machine match it.
 */
import type { ContainerPort, Labels, NetworkPolicyManifest } from '../../policy/index.js';
import type { ClusterPolicyObject } from '../enforcer/index.js';
import { isDocumentationAddress, parseAddress } from '../addresses/index.js';
import { isDnsLabel, isObjectName, isUid } from '../names/index.js';

/** Pins a pod's address (for reproducible ipBlock cases); must be free and in the pod range. */
export const POD_IP_ANNOTATION = 'netpol-assert.io/ip';

export interface DesiredNode {
  readonly name: string;
  /** The Node object's labels, which cluster policies' `nodes` peers select. */
  readonly labels?: Labels;
}

export interface DesiredNamespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface DesiredPod {
  readonly namespace: string;
  readonly name: string;
  /** metadata.uid; names the pod's cgroup (`pod<uid>`). */
  readonly uid: string;
  readonly labels: Labels;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Unscheduled pods (no node) stay Pending. */
  readonly nodeName?: string;
  readonly hostNetwork?: boolean;
  readonly ports: readonly ContainerPort[];
  /** A DNS server image (kubelet/images.ts): dnsmasq answers on port 53, the responder on the other ports. */
  readonly dnsServer?: boolean;
  /** A silent-UDP image (kubelet/images.ts): the responder binds the UDP ports and never answers. */
  readonly silentUdp?: boolean;
}

/** `kind: ExternalHost` (lab.netpol-assert.io/v1): an address outside the pod network. */
export interface DesiredExternalHost {
  readonly name: string;
  /** In 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (IPv6 2001:db8::/32 is not wired yet). */
  readonly address: string;
  readonly ports: readonly ContainerPort[];
}

export interface DesiredState {
  readonly nodes: readonly DesiredNode[];
  readonly namespaces: readonly DesiredNamespace[];
  readonly pods: readonly DesiredPod[];
  readonly externalHosts?: readonly DesiredExternalHost[];
  readonly policies: readonly NetworkPolicyManifest[];
  /** policy.networking.k8s.io objects as the API serves them (the enforcer reads them). */
  readonly clusterPolicies?: readonly ClusterPolicyObject[];
}

/** What can be wrong with the state asked for: a closed set, for callers to match on. */
export type DesiredStateProblemCode =
  /** A node, namespace, pod, pod uid, outside host or outside address listed twice. */
  | 'DUPLICATE'
  /** A node or outside host name that is not a DNS label. */
  | 'BAD_NAME'
  /** An outside host's address that is not an IP address. */
  | 'BAD_ADDRESS'
  /** An outside host outside the documentation ranges: the lab sends nothing elsewhere. */
  | 'NOT_DOCUMENTATION_ADDRESS'
  /** An IPv6 outside host, which the lab does not wire yet. */
  | 'UNSUPPORTED_FAMILY'
  /** A port outside 1..65535 or a protocol other than TCP, UDP and SCTP. */
  | 'BAD_PORT';

export interface DesiredStateProblem {
  readonly code: DesiredStateProblemCode;
  readonly message: string;
  /** The outside host it is about, so that `lab up -f` can place it at the host's manifest. */
  readonly host?: string;
}

export class DesiredStateInvalid extends Error {
  constructor(readonly problems: readonly DesiredStateProblem[]) {
    super(`the lab cannot be made as asked:\n  ${problems.map((p) => p.message).join('\n  ')}`);
    this.name = 'DesiredStateInvalid';
  }
}

/** Problems that stop the whole apply. A single pod's problem only fails that pod. */
export function desiredStateProblems(desired: DesiredState): DesiredStateProblem[] {
  const problems: DesiredStateProblem[] = [];
  const duplicates = (kind: string, keys: readonly string[], hosts: readonly string[] = []) => {
    const seen = new Set<string>();
    keys.forEach((key, i) => {
      const host = hosts[i];
      const message = `${kind} '${key}' is listed twice`;
      if (seen.has(key))
        problems.push({ code: 'DUPLICATE', message, ...(host === undefined ? {} : { host }) });
      seen.add(key);
    });
  };
  for (const node of desired.nodes) {
    if (!isDnsLabel(node.name))
      problems.push({ code: 'BAD_NAME', message: `node name '${node.name}' is not a DNS label` });
  }
  duplicates(
    'node',
    desired.nodes.map((node) => node.name),
  );
  duplicates(
    'namespace',
    desired.namespaces.map((namespace) => namespace.name),
  );
  duplicates(
    'pod',
    desired.pods.map((pod) => `${pod.namespace}/${pod.name}`),
  );
  duplicates(
    'pod uid',
    desired.pods.map((pod) => pod.uid),
  );
  const hosts = desired.externalHosts ?? [];
  const hostNames = hosts.map((host) => host.name);
  duplicates('outside host', hostNames, hostNames);
  duplicates(
    'outside address',
    hosts.map((host) => parseAddress(host.address)?.value.toString() ?? host.address),
    hostNames,
  );
  for (const host of hosts) problems.push(...externalHostProblems(host));
  return problems;
}

function externalHostProblems(host: DesiredExternalHost): DesiredStateProblem[] {
  const problems: DesiredStateProblem[] = [];
  const problem = (code: DesiredStateProblemCode, message: string) =>
    void problems.push({ code, message, host: host.name });
  if (!isDnsLabel(host.name)) problem('BAD_NAME', `outside host name '${host.name}' is not a DNS label`);
  const address = parseAddress(host.address);
  if (address === undefined)
    problem('BAD_ADDRESS', `outside host ${host.name}: '${host.address}' is not an IP address`);
  else if (!isDocumentationAddress(address)) {
    problem(
      'NOT_DOCUMENTATION_ADDRESS',
      `outside host ${host.name}: ${host.address} is not in a documentation range ` +
        '(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32); the lab sends nothing elsewhere',
    );
  } else if (address.family === 6) {
    problem(
      'UNSUPPORTED_FAMILY',
      `outside host ${host.name}: IPv6 outside hosts are not supported yet (pods are IPv4-only)`,
    );
  }
  for (const message of portProblems(`outside host ${host.name}`, host.ports)) problem('BAD_PORT', message);
  return problems;
}

/** Why a pod cannot be made as declared, if it cannot. */
export function podProblem(pod: DesiredPod): string | undefined {
  if (!isObjectName(pod.namespace) || !isObjectName(pod.name)) return 'namespace or name is not a valid name';
  if (!isUid(pod.uid)) return `uid '${pod.uid}' is not a valid uid`;
  return portProblems('pod', pod.ports)[0];
}

function portProblems(what: string, ports: readonly ContainerPort[]): string[] {
  return ports
    .filter(
      (port) =>
        !Number.isInteger(port.port) ||
        port.port < 1 ||
        port.port > 65535 ||
        !['TCP', 'UDP', 'SCTP'].includes(port.protocol),
    )
    .map((port) => `${what}: port ${String(port.port)}/${String(port.protocol)} is not a valid port`);
}
