/**
 * Register the lab's nodes and keep them alive as a kubelet does: a Lease in
 * kube-node-lease renewed every 10 s (the node-lifecycle controller's liveness signal,
 * 40 s grace) and a status heartbeat every minute, so no node is ever tainted NotReady
 * unless a test stops its kubelet (`stopNode`).
 */
import { CoordinationV1Api, CoreV1Api, V1MicroTime } from '@kubernetes/client-node';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { apiStatusCode, mergePatch } from '../control-plane/index.js';
import { kubeletStoppedConditions, nodeObject, nodeStatus } from './node-object.js';
import type { LabNode, NodeEndpoint } from './node-object.js';

export interface NodeHeartbeat {
  stop(): void;
  /**
   * The node's kubelet stops: no more lease renewals or status for it, and its status
   * says so at once, as the node controller would after its grace period.
   */
  stopNode(name: string): Promise<void>;
}

const LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_EVERY_N_RENEWALS = 6;

export async function registerNodes(
  kubeConfig: KubeConfig,
  nodes: readonly LabNode[],
  endpoint: NodeEndpoint,
  log: (message: string) => void,
): Promise<NodeHeartbeat> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  const since = new Date();
  const uids = new Map<string, string>();
  for (const node of nodes) uids.set(node.name, await registerNode(core, node, endpoint, since));
  const stopped = new Set<string>();
  const beating = (): LabNode[] => nodes.filter((node) => !stopped.has(node.name));
  const renewLeases = (): Promise<void[]> =>
    Promise.all(beating().map((node) => renewLease(coordination, node.name, uids.get(node.name))));
  const reportStatus = (): Promise<void[]> =>
    Promise.all(
      beating().map(async (node) => {
        const body = { status: nodeStatus(node, endpoint, { since, now: new Date() }) };
        await core.patchNodeStatus({ name: node.name, body }, mergePatch);
      }),
    );
  await renewLeases();
  let renewals = 0;
  const timer = setInterval(() => {
    renewals += 1;
    const beat =
      renewals % STATUS_EVERY_N_RENEWALS === 0 ? Promise.all([renewLeases(), reportStatus()]) : renewLeases();
    beat.catch((error: unknown) => log(`node heartbeat: ${String(error)}`));
  }, LEASE_RENEW_MS);
  return {
    stop: () => clearInterval(timer),
    stopNode: async (name) => {
      stopped.add(name);
      const body = { status: { conditions: kubeletStoppedConditions(new Date()) } };
      await core.patchNodeStatus({ name, body }, mergePatch);
    },
  };
}

/** Creates the Node (or takes over one left from before) and writes its status; returns its uid. */
async function registerNode(
  core: CoreV1Api,
  node: LabNode,
  endpoint: NodeEndpoint,
  since: Date,
): Promise<string> {
  const clock = { since, now: since };
  const object = nodeObject(node, endpoint, clock);
  try {
    await core.createNode({ body: object });
  } catch (error) {
    if (apiStatusCode(error) !== 409) throw error;
    await core.patchNode({ name: node.name, body: { metadata: object.metadata } }, mergePatch);
  }
  const registered = await core.patchNodeStatus(
    { name: node.name, body: { status: object.status } },
    mergePatch,
  );
  return registered.metadata?.uid ?? '';
}

async function renewLease(coordination: CoordinationV1Api, nodeName: string, nodeUid: string | undefined) {
  const spec = {
    holderIdentity: nodeName,
    leaseDurationSeconds: LEASE_DURATION_SECONDS,
    renewTime: new V1MicroTime(),
  };
  try {
    await coordination.patchNamespacedLease(
      { name: nodeName, namespace: LEASE_NAMESPACE, body: { spec } },
      mergePatch,
    );
  } catch (error) {
    if (apiStatusCode(error) !== 404) throw error;
    await coordination.createNamespacedLease({
      namespace: LEASE_NAMESPACE,
      body: leaseObject(nodeName, nodeUid, spec),
    });
  }
}

function leaseObject(nodeName: string, nodeUid: string | undefined, spec: V1Lease['spec']): V1Lease {
  const owner =
    nodeUid === undefined || nodeUid === ''
      ? []
      : [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }];
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: LEASE_NAMESPACE, ownerReferences: owner },
    spec,
  };
}
