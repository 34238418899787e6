/** What one `apply` asks for, sorted: pods that can run now, and those that cannot (with why). */
import type { PodStatus } from './status.js';
import type { DesiredExternalHost, DesiredPod, DesiredState } from './desired-state.js';
import { podProblem, POD_IP_ANNOTATION } from './desired-state.js';
import { podKey } from '../names/index.js';

/** What a desired state asks for, by name: nodes, outside hosts, pods that can run, and those that cannot. */
export interface Plan {
  readonly nodes: ReadonlySet<string>;
  readonly hosts: ReadonlyMap<string, DesiredExternalHost>;
  readonly schedulable: ReadonlyMap<string, DesiredPod>;
  readonly notRunning: readonly PodStatus[];
}

export function planOf(desired: DesiredState): Plan {
  const nodes = new Set(desired.nodes.map((node) => node.name));
  const schedulable = new Map<string, DesiredPod>();
  const notRunning: PodStatus[] = [];
  for (const pod of desired.pods) {
    const problem = podProblem(pod);
    if (problem !== undefined) notRunning.push(notRunningStatus(pod, 'Failed', problem));
    else if (pod.nodeName === undefined)
      notRunning.push(notRunningStatus(pod, 'Pending', 'not scheduled to a node'));
    else if (!nodes.has(pod.nodeName)) {
      notRunning.push(notRunningStatus(pod, 'Pending', `node ${pod.nodeName} does not exist`));
    } else schedulable.set(podKey(pod), pod);
  }
  const hosts = new Map((desired.externalHosts ?? []).map((host) => [host.name, host]));
  return { nodes, hosts, schedulable, notRunning };
}

export function notRunningStatus(pod: DesiredPod, phase: 'Pending' | 'Failed', reason: string): PodStatus {
  return { phase, namespace: pod.namespace, name: pod.name, uid: pod.uid, reason };
}

export function pinOf(pod: DesiredPod): string | undefined {
  return pod.hostNetwork === true ? undefined : pod.annotations?.[POD_IP_ANNOTATION];
}
