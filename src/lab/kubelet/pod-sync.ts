/**
 * One pass of the kubelet's loop over every lab node: hand the desired state to the data
 * plane, write each started pod's status (addresses, Running, Ready), report pods the
 * data plane could not make and pods whose image the lab does not hold (images.ts),
 * and finish deleting pods that are terminating (their network and responder are gone
 * by then), with grace period 0 as the kubelet does.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { apiStatusCode, mergePatch } from '../control-plane/index.js';
import { isOnNode } from './desired-from-api.js';
import { missingImages } from './images.js';
import type { MissingImage } from './images.js';
import type { DataPlaneStatus, DesiredState, PodNetwork, PodStatus } from './pod-network.js';
import { apiTime, imagePullFailedStatus, runningPodStatus, statusIsCurrent } from './pod-status.js';
import type { ImagePullReason } from './pod-status.js';

/** How long a pull failure shows as ErrImagePull before the kubelet's back-off (its first is 10 s). */
const PULL_BACKOFF_AFTER_MS = 5_000;

export class PodSync {
  private readonly api: CoreV1Api;
  private lastApplied = '';
  private view: DataPlaneStatus | undefined;
  private readonly startedAt = new Map<string, Date>();
  private readonly reportedProblems = new Map<string, string>();
  private readonly pullFailedSince = new Map<string, Date>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly network: PodNetwork,
    /** The image references the lab holds (its agent payload's). */
    private readonly images: readonly string[],
    private readonly log: (message: string) => void,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** What the data plane made in the last pass. */
  get status(): DataPlaneStatus | undefined {
    return this.view;
  }

  placement(uid: string | undefined): PodStatus | undefined {
    return this.view?.pods.find((pod) => pod.uid === uid);
  }

  async run(desired: DesiredState, pods: readonly V1Pod[]): Promise<void> {
    const fingerprint = JSON.stringify(desired);
    // A pod the data plane could not make is tried again on the next pass.
    const retry = this.view?.pods.some((pod) => pod.phase !== 'Running') === true;
    if (this.view === undefined || fingerprint !== this.lastApplied || retry) {
      this.view = await this.network.apply(desired);
      this.lastApplied = fingerprint;
    }
    const view = this.view;
    const nodes = new Set(desired.nodes.map((node) => node.name));
    const onNodes = pods.filter((pod) => isOnNode(pod, nodes));
    await Promise.all(onNodes.map((pod) => this.reconcilePod(pod, view)));
  }

  private async reconcilePod(pod: V1Pod, view: DataPlaneStatus): Promise<void> {
    const uid = pod.metadata?.uid;
    if (pod.metadata?.deletionTimestamp !== undefined) return this.finishDeletion(pod);
    const placed = view.pods.find((candidate) => candidate.uid === uid);
    const missing = missingImages(pod.spec?.containers ?? [], this.images);
    if (missing.length > 0) return this.reportPullFailure(pod, missing, placed, view);
    if (placed === undefined) return;
    if (placed.phase !== 'Running') return this.reportProblem(pod, placed.reason, placed.phase);
    const hostIp = view.nodes.find((node) => node.name === placed.nodeName)?.address ?? '';
    const startedAt = this.startedAt.get(placed.uid) ?? new Date();
    this.startedAt.set(placed.uid, startedAt);
    const run = { ips: [placed.ip], hostIp, startedAt, containerId: placed.containerId };
    if (statusIsCurrent(pod, run)) return;
    await this.patchStatus(pod, runningPodStatus(pod, run));
  }

  private async reportPullFailure(
    pod: V1Pod,
    missing: readonly MissingImage[],
    placed: PodStatus | undefined,
    view: DataPlaneStatus,
  ): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const since = this.pullFailedSince.get(uid) ?? new Date();
    this.pullFailedSince.set(uid, since);
    const reason: ImagePullReason =
      Date.now() - since.getTime() < PULL_BACKOFF_AFTER_MS ? 'ErrImagePull' : 'ImagePullBackOff';
    if (this.reportedProblems.get(uid) === reason) return;
    this.reportedProblems.set(uid, reason);
    this.log(
      `pod ${pod.metadata?.namespace}/${pod.metadata?.name}: ${reason} ${missing.map((m) => m.image).join(', ')}`,
    );
    const running = placed?.phase === 'Running' ? placed : undefined;
    const hostIp = view.nodes.find((node) => node.name === pod.spec?.nodeName)?.address ?? '';
    await this.patchStatus(
      pod,
      imagePullFailedStatus(pod, {
        reason,
        missing,
        loaded: this.images,
        ips: running === undefined ? [] : [running.ip],
        hostIp,
        since,
      }),
    );
  }

  private async reportProblem(pod: V1Pod, reason: string, phase: 'Pending' | 'Failed'): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (this.reportedProblems.get(uid) === reason) return;
    this.reportedProblems.set(uid, reason);
    this.log(`pod ${pod.metadata?.namespace}/${pod.metadata?.name}: ${reason}`);
    const now = apiTime(new Date());
    const notReady = {
      status: 'False',
      reason: 'LabNetworkFailed',
      message: reason,
      lastProbeTime: null,
      lastTransitionTime: now,
    };
    await this.patchStatus(pod, {
      phase,
      reason: 'LabNetworkFailed',
      message: reason,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', ...notReady },
        { type: 'ContainersReady', ...notReady },
      ],
    });
  }

  private async patchStatus(pod: V1Pod, status: Record<string, unknown>): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    try {
      await this.api.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch);
    } catch (error) {
      if (apiStatusCode(error) !== 404) throw error;
    }
  }

  private async finishDeletion(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    const namespace = pod.metadata?.namespace ?? '';
    const uid = pod.metadata?.uid;
    try {
      await this.api.deleteNamespacedPod({
        name,
        namespace,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, ...(uid === undefined ? {} : { preconditions: { uid } }) },
      });
    } catch (error) {
      // Gone already (404), or a new pod of the same name (409: the uid precondition failed).
      if (apiStatusCode(error) !== 404 && apiStatusCode(error) !== 409) throw error;
    }
    if (uid !== undefined) {
      this.startedAt.delete(uid);
      this.reportedProblems.delete(uid);
      this.pullFailedSince.delete(uid);
    }
  }
}
