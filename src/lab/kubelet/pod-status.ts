/**
 * The status a kubelet writes for a pod it started: Running, every container ready and
 * running, addresses from the data plane. Written as plain JSON for a merge patch of the
 * status subresource (which replaces the lists it names, as the kubelet's own updates do).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { MissingImage } from './images.js';

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

/** The kubelet's two waiting reasons for an image it cannot pull: the first failure, then the back-off. */
export type ImagePullReason = 'ErrImagePull' | 'ImagePullBackOff';

export interface PullFailure {
  readonly reason: ImagePullReason;
  readonly missing: readonly MissingImage[];
  /** The references the lab does hold, for the message. */
  readonly loaded: readonly string[];
  /** The pod's addresses when its sandbox (network) is up, as a kubelet reports them while pulling. */
  readonly ips: readonly string[];
  readonly hostIp: string;
  readonly since: Date;
}

/**
 * What a kubelet writes while it cannot pull a container's image: Pending, not Ready,
 * and that container waiting with ErrImagePull (then ImagePullBackOff) and a message
 * in the runtime's words; the other containers wait for it.
 */
export function imagePullFailedStatus(pod: V1Pod, failure: PullFailure): Json {
  const since = apiTime(failure.since);
  const names = failure.missing.map((entry) => entry.container);
  const notReady = (type: string): Json => ({
    type,
    status: 'False',
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${names.join(' ')}]`,
    lastProbeTime: null,
    lastTransitionTime: since,
  });
  const waiting = (container: { name: string; image?: string }): Json => {
    const missing = failure.missing.find((entry) => entry.container === container.name);
    const state =
      missing === undefined
        ? { reason: 'ContainerCreating' }
        : { reason: failure.reason, message: pullMessage(failure.reason, missing.image, failure.loaded) };
    return {
      name: container.name,
      image: container.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: state },
    };
  };
  return {
    phase: 'Pending',
    hostIP: failure.hostIp,
    ...(failure.ips.length === 0 ? {} : { podIP: failure.ips[0], podIPs: failure.ips.map((ip) => ({ ip })) }),
    startTime: since,
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: since },
      notReady('Ready'),
      notReady('ContainersReady'),
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: since },
    ],
    containerStatuses: (pod.spec?.containers ?? []).map(waiting),
  };
}

/** containerd's words through the kubelet, with what the lab holds instead of a registry's answer. */
export function pullMessage(reason: ImagePullReason, image: string, loaded: readonly string[]): string {
  if (reason === 'ImagePullBackOff') return `Back-off pulling image "${image}"`;
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": ` +
    `the lab has no registry; it holds netpol-assert's agent payload (build/agent) only as ${loaded.join(', ')}`
  );
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
