/**
 * A pod whose image cannot be pulled never becomes Ready: the kubelet keeps retrying
 * with back-off, and a run would wait out `--ready-timeout`. These waiting reasons say
 * so at once (the kubelet's images.ErrImagePull, ErrImagePullBackOff,
 * ErrInvalidImageName, ErrImageNeverPull), so the run stops within seconds instead,
 * naming the image and how to make it available.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

export const IMAGE_PULL_FAILURES = [
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
] as const;
export type ImagePullFailureReason = (typeof IMAGE_PULL_FAILURES)[number];

export interface ImagePullFailure {
  /** `namespace/name` of the pod. */
  readonly pod: string;
  readonly container: string;
  readonly image: string;
  readonly reason: ImagePullFailureReason;
  readonly message?: string;
}

/** Every container (init containers too) of these pods that waits on an image it cannot get. */
export function imagePullFailures(pods: readonly V1Pod[]): ImagePullFailure[] {
  return pods.flatMap((pod) => {
    const name = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    return statuses.flatMap((status) => failureOf(name, status));
  });
}

function failureOf(pod: string, status: V1ContainerStatus): ImagePullFailure[] {
  const waiting = status.state?.waiting;
  const reason = IMAGE_PULL_FAILURES.find((known) => known === waiting?.reason);
  if (reason === undefined) return [];
  const message = waiting?.message;
  return [{ pod, container: status.name, image: status.image, reason, ...(message ? { message } : {}) }];
}

/**
 * The error a run stops with: which image, where and why, then how to build and load
 * the agent image into a kind cluster, or to pass one the cluster can pull.
 */
export function imagePullProblem(failures: readonly ImagePullFailure[]): string {
  const images = [...new Set(failures.map((failure) => failure.image))];
  const first = failures[0];
  const where =
    first === undefined
      ? ''
      : ` (${first.reason} in ${first.pod}${first.message ? `: ${first.message}` : ''})`;
  const image = images.length === 1 ? (images[0] ?? '') : 'IMAGE';
  return [
    `the agent image ${images.join(', ')} cannot be pulled${where}.`,
    'Build the image from the agent payload and load it into the cluster, e.g. for kind:',
    `  npm run build:agent && docker build -f agent/Dockerfile -t ${image} . && kind load docker-image ${image}`,
    'or push it to a registry the nodes can pull from, or pass --image with one they can.',
  ].join('\n');
}
