/**
 * From API objects to the data plane's desired state: the lab's nodes with their Node
 * objects' labels, every namespace with its labels, the pods bound to lab nodes that
 * should run (not terminating, not finished), and the NetworkPolicies and cluster
 * policies as stored. Pure, so the sync loop's decisions can be read and tested apart
 * from the API.
 */
import type { V1Namespace, V1NetworkPolicy, V1Node, V1Pod } from '@kubernetes/client-node';
import type { ContainerPort, NetworkPolicyManifest, Protocol } from '../../policy/index.js';
import type { ClusterPolicyObject } from '../enforcer/index.js';
import { toWireObject } from '../../cluster/index.js';
import { runsDnsServer, runsSilentUdp } from './images.js';
import type { DesiredExternalHost, DesiredPod, DesiredState } from './pod-network.js';

export interface ApiSnapshot {
  readonly nodeNames: readonly string[];
  readonly namespaces: readonly V1Namespace[];
  readonly pods: readonly V1Pod[];
  readonly policies: readonly V1NetworkPolicy[];
  readonly externalHosts: readonly DesiredExternalHost[];
  /** The Node objects (for their labels); a lab node not yet registered has none. */
  readonly nodeObjects?: readonly V1Node[];
  /** policy.networking.k8s.io objects, plain JSON as listed and watched. */
  readonly clusterPolicies?: readonly ClusterPolicyObject[];
}

export function desiredState(snapshot: ApiSnapshot): DesiredState {
  const nodes = new Set(snapshot.nodeNames);
  const nodeLabels = new Map(
    (snapshot.nodeObjects ?? []).map((node) => [node.metadata?.name ?? '', node.metadata?.labels ?? {}]),
  );
  return {
    nodes: snapshot.nodeNames.map((name) => {
      const labels = nodeLabels.get(name);
      return labels === undefined ? { name } : { name, labels };
    }),
    namespaces: snapshot.namespaces.flatMap((namespace) =>
      namespace.metadata?.name === undefined
        ? []
        : [{ name: namespace.metadata.name, labels: namespace.metadata.labels ?? {} }],
    ),
    pods: snapshot.pods.filter((pod) => isOnNode(pod, nodes) && shouldRun(pod)).map(desiredPod),
    externalHosts: snapshot.externalHosts,
    policies: snapshot.policies.map(policyManifest),
    clusterPolicies: snapshot.clusterPolicies ?? [],
  };
}

export function isOnNode(pod: V1Pod, nodes: ReadonlySet<string>): boolean {
  return pod.spec?.nodeName !== undefined && nodes.has(pod.spec.nodeName);
}

/** A pod runs until it is being deleted or has finished. */
export function shouldRun(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
}

function desiredPod(pod: V1Pod): DesiredPod {
  const metadata = pod.metadata ?? {};
  return {
    namespace: metadata.namespace ?? 'default',
    name: metadata.name ?? '',
    uid: metadata.uid ?? '',
    labels: metadata.labels ?? {},
    annotations: metadata.annotations ?? {},
    ...(pod.spec?.nodeName === undefined ? {} : { nodeName: pod.spec.nodeName }),
    hostNetwork: pod.spec?.hostNetwork === true,
    ports: containerPorts(pod),
    ...(runsDnsServer(pod.spec?.containers ?? []) ? { dnsServer: true } : {}),
    ...(runsSilentUdp(pod.spec?.containers ?? []) ? { silentUdp: true } : {}),
  };
}

function containerPorts(pod: V1Pod): ContainerPort[] {
  return (pod.spec?.containers ?? []).flatMap((container) =>
    (container.ports ?? []).map((port) => ({
      ...(port.name === undefined ? {} : { name: port.name }),
      port: port.containerPort,
      protocol: protocolOf(port.protocol),
    })),
  );
}

/** The API server admits only these three; TCP is its default. */
function protocolOf(text: string | undefined): Protocol {
  return text === 'UDP' || text === 'SCTP' ? text : 'TCP';
}

function policyManifest(policy: V1NetworkPolicy): NetworkPolicyManifest {
  const metadata = policy.metadata ?? {};
  // The wire form, not JSON.stringify: the client's model calls a rule's `from` `_from`.
  const spec = (toWireObject(policy, 'V1NetworkPolicy').spec ?? {}) as NetworkPolicyManifest['spec'];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: metadata.name ?? '',
      ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
      ...(metadata.labels === undefined ? {} : { labels: metadata.labels }),
    },
    spec,
  };
}
