/**
 * The kubelet's and the CNI plugin's part for one pod: network (unless hostNetwork),
 * cgroups, the responder; and the reverse, after which nothing of the pod remains.
 */
import type { ContainerPort } from '../policy/cluster.js';
import { createPodCgroups, removePodCgroups } from './cgroups.js';
import type { DesiredPod } from './desired-state.js';
import { POD_IP_ANNOTATION } from './desired-state.js';
import type { LabContext, NodeEntry } from './lab-context.js';
import { containerId, podKey } from './names.js';
import { deleteNetns } from './netns.js';
import type { RunningResponder } from './responder-process.js';
import { startResponder } from './responder-process.js';
import { createPodNetwork, deleteLink } from './topology.js';

export interface PodEntry {
  readonly key: string;
  /** The pod as last applied (labels may change without recreating it). */
  desired: DesiredPod;
  /** What cannot change without recreating the pod. */
  readonly fingerprint: string;
  readonly node: NodeEntry;
  readonly ip: string;
  readonly netns: string;
  readonly hostLink?: string;
  readonly containerId: string;
  readonly cgroups: readonly string[];
  readonly responder: RunningResponder;
}

export function podFingerprint(pod: DesiredPod): string {
  const ports = [...pod.ports]
    .map((port: ContainerPort) => `${port.protocol}:${port.port}:${port.name ?? ''}`)
    .sort();
  return JSON.stringify([
    pod.nodeName,
    pod.hostNetwork === true,
    ports,
    pod.annotations?.[POD_IP_ANNOTATION],
  ]);
}

export async function createPod(context: LabContext, pod: DesiredPod, node: NodeEntry, ip: string) {
  const key = podKey(pod);
  const hostNetwork = pod.hostNetwork === true;
  const netns = hostNetwork ? node.netns : context.names.podNetns(key);
  const hostLink = hostNetwork ? undefined : context.names.podHostLink(key);
  const id = containerId(context.names.lab, key);
  let cgroups: string[] = [];
  try {
    if (hostLink !== undefined) await createPodNetwork(node, { netns, hostLink, address: ip });
    if (context.cgroupRoots.length > 0) cgroups = await createPodCgroups(context.cgroupRoots, pod.uid, id);
    const responder = await startResponder(context.responderBinary, netns, pod.ports, cgroups);
    const entry: PodEntry = {
      key,
      desired: pod,
      fingerprint: podFingerprint(pod),
      node,
      ip,
      netns,
      ...(hostLink === undefined ? {} : { hostLink }),
      containerId: id,
      cgroups,
      responder,
    };
    return entry;
  } catch (error) {
    await removePodCgroups(cgroups).catch(() => undefined);
    if (hostLink !== undefined) {
      await deleteLink(node.netns, hostLink).catch(() => undefined);
      await deleteNetns(netns).catch(() => undefined);
    }
    throw error;
  }
}

export async function deletePod(entry: PodEntry): Promise<void> {
  await entry.responder.stop();
  await removePodCgroups(entry.cgroups);
  // The veth pair goes first (with the node's route to the pod), then the namespace.
  if (entry.hostLink !== undefined) {
    await deleteLink(entry.node.netns, entry.hostLink);
    await deleteNetns(entry.netns);
  }
}
