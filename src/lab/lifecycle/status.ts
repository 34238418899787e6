/**
 * `lab status`: the lab's record (phase, cni, kubeconfig, API server), the Kubernetes
 * version the API server states, its nodes and pods as the API server has them, and its
 * outside hosts as the data plane made them.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { labKubeConfig, serverVersion } from '../control-plane/index.js';
import type { DataPlaneStatus } from '../data-plane/index.js';
import { labPaths } from '../names/index.js';
import { askSupervisor } from '../supervisor/index.js';
import type { SupervisorRecord } from '../supervisor/index.js';
import { nameProblem, readyLab, unavailable } from './failure.js';
import type { LabFailure } from './failure.js';

export interface LabStatus {
  readonly ok: true;
  readonly record: SupervisorRecord;
  /** The API server's gitVersion, e.g. `v1.28.7`. */
  readonly kubernetesVersion: string;
  readonly nodes: readonly { readonly name: string; readonly ready: boolean; readonly address: string }[];
  readonly pods: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly phase: string;
    readonly ready: boolean;
    readonly ip: string;
    readonly node: string;
  }[];
  readonly externalHosts: DataPlaneStatus['externalHosts'];
}

const ANSWER_MS = 10_000;

export interface LabStatusOptions {
  readonly lab: string;
  readonly stateRoot?: string;
}

export async function labStatus(options: LabStatusOptions): Promise<LabStatus | LabFailure> {
  const badName = nameProblem(options.lab);
  if (badName !== undefined) return badName;
  const paths = labPaths(options.lab, options.stateRoot);
  const ready = await readyLab(options.lab, paths);
  if (!ready.ok) return ready;
  const { record } = ready;
  try {
    const kubeConfig = labKubeConfig(paths.kubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const [version, nodes, pods, answer] = await Promise.all([
      serverVersion(kubeConfig),
      core.listNode(),
      core.listPodForAllNamespaces(),
      askSupervisor(paths.socket, { op: 'status' }, ANSWER_MS),
    ]);
    return {
      ok: true,
      record,
      kubernetesVersion: version.gitVersion,
      nodes: nodes.items.map(nodeRow),
      pods: pods.items.map(podRow),
      externalHosts: answer.ok ? (answer.status?.externalHosts ?? []) : [],
    };
  } catch (error) {
    return unavailable(
      `lab '${options.lab}' does not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function nodeRow(node: V1Node) {
  const ready = node.status?.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
  const address = node.status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address ?? '';
  return { name: node.metadata?.name ?? '', ready: ready === true, address };
}

function podRow(pod: V1Pod) {
  const ready = pod.status?.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    phase: pod.metadata?.deletionTimestamp === undefined ? (pod.status?.phase ?? 'Unknown') : 'Terminating',
    ready: ready === true,
    ip: pod.status?.podIP ?? '',
    node: pod.spec?.nodeName ?? '',
  };
}
