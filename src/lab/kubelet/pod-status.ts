/**
 * The status a kubelet writes for a pod it started: Running, every container ready and
 * running, addresses from the data plane. Written as plain JSON for a merge patch of the
 * status subresource (which replaces the lists it names, as the kubelet's own updates do).
 */
import type { V1Pod } from '@kubernetes/client-node';

export interface PodRun {
  readonly ips: readonly string[];
  readonly hostIp: string;
  readonly startedAt: Date;
  /** The runtime's id for the pod's containers (64 hex digits). */
  readonly containerId: string;
}

type Json = Record<string, unknown>;

/** How the lab's runtime names containers in `containerStatuses[].containerID`: `<scheme>://<64 hex>`. */
export const LAB_RUNTIME_SCHEME = 'netpol-assert-lab';

export function runningPodStatus(pod: V1Pod, run: PodRun): Json {
  const since = apiTime(run.startedAt);
  const condition = (type: string): Json => ({
    type,
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: since,
  });
  const containerStatus = (container: { name: string; image?: string }, index: number): Json => ({
    name: container.name,
    image: container.image ?? '',
    imageID: container.image ?? '',
    containerID: `${LAB_RUNTIME_SCHEME}://${index === 0 ? run.containerId : `${run.containerId.slice(0, 60)}${hex4(index)}`}`,
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: since } },
  });
  const initContainerStatus = (container: { name: string; image?: string }): Json => ({
    name: container.name,
    image: container.image ?? '',
    imageID: container.image ?? '',
    ready: true,
    restartCount: 0,
    state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: since, finishedAt: since } },
  });
  return {
    phase: 'Running',
    hostIP: run.hostIp,
    podIP: run.ips[0] ?? '',
    podIPs: run.ips.map((ip) => ({ ip })),
    startTime: since,
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    containerStatuses: (pod.spec?.containers ?? []).map(containerStatus),
    ...(pod.spec?.initContainers === undefined
      ? {}
      : { initContainerStatuses: pod.spec.initContainers.map(initContainerStatus) }),
  };
}

/** Whether the pod's status already says what `runningPodStatus` would write. */
export function statusIsCurrent(pod: V1Pod, run: PodRun): boolean {
  const status = pod.status;
  if (status === undefined || status.phase !== 'Running' || status.hostIP !== run.hostIp) return false;
  const ips = (status.podIPs ?? []).map((entry) => entry.ip);
  const ready = status.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
  return ready === true && ips.length === run.ips.length && ips.every((ip, index) => ip === run.ips[index]);
}

/** metav1.Time's form: RFC 3339 in whole seconds. */
export function apiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hex4(index: number): string {
  return index.toString(16).padStart(4, '0');
}
