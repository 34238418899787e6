/**
 * `lab status`: the lab's record (phase, cni, kubeconfig, API server), the Kubernetes
 * version the API server states, its nodes and pods as the API server has them, and its
 * outside hosts as the data plane made them.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { labKubeConfig, serverVersion } from '../control-plane/index.js';
import type { DataPlaneStatus } from '../kubelet/index.js';
import { askSupervisor } from '../supervisor/control-socket.js';
import { labPaths } from '../supervisor/lab-paths.js';
import { isRunning } from '../supervisor/process-table.js';
import { readSupervisorRecord } from '../supervisor/supervisor-record.js';
import type { SupervisorRecord } from '../supervisor/supervisor-record.js';
import { nameProblem, unavailable } from './lab-failure.js';
import type { LabFailure } from './lab-failure.js';

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

export async function labStatus(options: {
  readonly lab: string;
  readonly stateRoot?: string;
}): Promise<LabStatus | LabFailure> {
  const badName = nameProblem(options.lab);
  if (badName !== undefined) return badName;
  const paths = labPaths(options.lab, options.stateRoot);
  const record = await readSupervisorRecord(paths);
  if (record === undefined) return unavailable(`no lab '${options.lab}' is up`);
  if (!(await isRunning(record.supervisor)))
    return unavailable(
      `lab '${options.lab}' is not running (its supervisor is gone); run 'netpol-assert lab down'`,
    );
  if (record.phase !== 'ready') return unavailable(`lab '${options.lab}' is ${record.phase}`);
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

/** The status as a person reads it: a header, then aligned tables. */
export function renderLabStatus(status: LabStatus): string {
  const { record } = status;
  const lines = [
    `lab ${record.lab}: ${record.phase}, cni ${record.cni}, ${record.nodes.length} nodes`,
    `server      ${record.server ?? ''}`,
    `kubernetes  ${status.kubernetesVersion}`,
    `kubeconfig  ${record.kubeconfig}`,
    '',
    ...table(
      ['NODE', 'STATUS', 'ADDRESS'],
      status.nodes.map((node) => [node.name, node.ready ? 'Ready' : 'NotReady', node.address]),
    ),
    '',
    ...table(
      ['NAMESPACE', 'POD', 'READY', 'STATUS', 'IP', 'NODE'],
      status.pods.map((pod) => [
        pod.namespace,
        pod.name,
        pod.ready ? 'yes' : 'no',
        pod.phase,
        pod.ip,
        pod.node,
      ]),
    ),
  ];
  if (status.externalHosts.length > 0)
    lines.push(
      '',
      ...table(
        ['OUTSIDE HOST', 'ADDRESS'],
        status.externalHosts.map((host) => [host.name, host.address]),
      ),
    );
  return lines.join('\n') + '\n';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
