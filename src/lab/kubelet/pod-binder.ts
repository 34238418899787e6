/**
 * Binding pods to nodes when kube-scheduler is not there (its binary was not found): a
 * pod that names its node (DaemonSet pods do, through a required node affinity on
 * `metadata.name`; others through the `kubernetes.io/hostname` node selector) goes
 * there, any other pod to the next node in turn.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { apiStatusCode } from '../control-plane/index.js';

/** Whether a pod waits for a scheduler (the default one) to bind it. */
export function awaitsBinding(pod: V1Pod): boolean {
  const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
  return (
    pod.spec?.nodeName === undefined &&
    pod.metadata?.deletionTimestamp === undefined &&
    scheduler === 'default-scheduler'
  );
}

/** The node a pod asks for by name, if it asks for one. */
export function requestedNode(pod: V1Pod): string | undefined {
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const field of term.matchFields ?? [])
      if (field.key === 'metadata.name' && field.operator === 'In' && field.values?.[0] !== undefined)
        return field.values[0];
  return pod.spec?.nodeSelector?.['kubernetes.io/hostname'];
}

export class PodBinder {
  private next = 0;
  private readonly api: CoreV1Api;
  /** Pods bound already, which the watch may still show unbound for a moment. */
  private readonly bound = new Set<string>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly nodeNames: readonly string[],
    /** Whether a node takes pods: one whose kubelet stopped does not, as a scheduler sees it NotReady. */
    private readonly takesPods: (node: string) => boolean = () => true,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The node for a pod: the one it asks for if that is a lab node, else the next in turn. */
  chooseNode(pod: V1Pod): string | undefined {
    const requested = requestedNode(pod);
    if (requested !== undefined) return this.nodeNames.includes(requested) ? requested : undefined;
    const open = this.nodeNames.filter(this.takesPods);
    if (open.length === 0) return undefined;
    const node = open[this.next % open.length];
    this.next += 1;
    return node;
  }

  async bind(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name;
    const namespace = pod.metadata?.namespace;
    const uid = pod.metadata?.uid ?? `${namespace}/${name}`;
    if (name === undefined || namespace === undefined || this.bound.has(uid)) return;
    const node = this.chooseNode(pod);
    if (node === undefined) return;
    this.bound.add(uid);
    const body = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    };
    try {
      await this.api.createNamespacedPodBinding({ name, namespace, body });
    } catch (error) {
      // Already bound (409) or gone (404): someone else decided, nothing to do. Anything else: try again next pass.
      if (apiStatusCode(error) === 409 || apiStatusCode(error) === 404) return;
      this.bound.delete(uid);
      throw error;
    }
  }
}
