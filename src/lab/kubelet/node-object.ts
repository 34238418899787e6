/**
 * A lab node as the API sees it: the Node object a kubelet registers and the status it
 * reports. Two things make the emulation work: every node is Ready with no pressure
 * (so nothing taints it), and its `Hostname` address is `localhost` with the lab's one
 * kubelet port, which kube-apiserver (started with `--kubelet-preferred-address-types=Hostname`)
 * dials for exec.
 */
import type { V1Node, V1NodeCondition, V1NodeStatus } from '@kubernetes/client-node';
import { LAB_RUNTIME_SCHEME } from './pod-status.js';

export interface LabNode {
  readonly name: string;
  /** The node's addresses on the lab network (the first is its InternalIP). */
  readonly addresses: readonly string[];
}

export interface NodeEndpoint {
  /** Where kube-apiserver reaches the emulated kubelet (`localhost`). */
  readonly kubeletHost: string;
  readonly kubeletPort: number;
  /** The version the node reports: the API server's own, so the lab shows no version skew. */
  readonly kubeletVersion: string;
}

export const LAB_RUNTIME_VERSION = `${LAB_RUNTIME_SCHEME}://0.1.0`;

/** When the node came up (condition transitions) and when it last reported (heartbeats). */
export interface NodeClock {
  readonly since: Date;
  readonly now: Date;
}

export function nodeObject(node: LabNode, endpoint: NodeEndpoint, clock: NodeClock): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: nodeStatus(node, endpoint, clock),
  };
}

export function nodeStatus(node: LabNode, endpoint: NodeEndpoint, clock: NodeClock): V1NodeStatus {
  const resources = { cpu: '16', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: nodeConditions(clock),
    addresses: [
      ...node.addresses.map((address) => ({ type: 'InternalIP', address })),
      { type: 'Hostname', address: endpoint.kubeletHost },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: endpoint.kubeletPort } },
    nodeInfo: {
      machineID: node.name,
      systemUUID: node.name,
      bootID: node.name,
      kernelVersion: 'lab',
      osImage: 'netpol-assert lab',
      containerRuntimeVersion: LAB_RUNTIME_VERSION,
      kubeletVersion: endpoint.kubeletVersion,
      kubeProxyVersion: endpoint.kubeletVersion,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

function nodeConditions(clock: NodeClock): V1NodeCondition[] {
  const condition = (type: string, status: string, reason: string, message: string): V1NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: clock.now,
    lastTransitionTime: clock.since,
  });
  return [
    condition('NetworkUnavailable', 'False', 'RouteCreated', 'the lab routes every pod'),
    condition(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/**
 * What the node controller writes when a kubelet stops posting status (after its grace
 * period; at once in the lab, which may run without the controller manager): every
 * condition the kubelet owns becomes Unknown.
 */
export function kubeletStoppedConditions(now: Date): V1NodeCondition[] {
  const unknown = (type: string): V1NodeCondition => ({
    type,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return [
    {
      type: 'NetworkUnavailable',
      status: 'False',
      reason: 'RouteCreated',
      message: 'the lab routes every pod',
    },
    ...['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map(unknown),
  ];
}
