/**
 * The kubelet's and the CNI plugin's part for one pod: network (unless hostNetwork, and
 * lossy with `--cni ...+lossy`), cgroups, the responder (and dnsmasq for a DNS server
 * image); and the reverse, after which nothing of the pod remains.
 */
import type { ContainerPort } from '../../policy/index.js';
import { createPodCgroups, deleteNetns, removePodCgroups } from '../host/index.js';
import type { DesiredPod } from './desired-state.js';
import { POD_IP_ANNOTATION } from './desired-state.js';
import type { LabContext, NodeEntry } from './context.js';
import { containerId, podKey } from '../names/index.js';
import type { RunningResponder } from '../responder/index.js';
import { startResponder } from '../responder/index.js';
import { DNS_SERVER_PORT, startDnsServer } from '../dns-server/index.js';
import type { RunningDnsServer } from '../dns-server/index.js';
import { startFaultyLink } from '../link-faults/index.js';
import type { FaultyLink } from '../link-faults/index.js';
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
  /** dnsmasq, in a DNS server image's pod (not hostNetwork): port 53, UDP and TCP. */
  readonly dnsServer?: RunningDnsServer;
  /** `--cni ...+lossy`: the pod's link loses and delays packets (not hostNetwork). */
  readonly link?: FaultyLink;
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
    ...(pod.dnsServer === true ? ['dns-server'] : []),
    ...(pod.silentUdp === true ? ['silent-udp'] : []),
  ]);
}

/** Whether dnsmasq serves the pod's port 53: a DNS server image with its own network. */
function servesDns(pod: DesiredPod): boolean {
  return pod.dnsServer === true && pod.hostNetwork !== true;
}

/** The ports the responder serves: all, but port 53 where dnsmasq has it. */
function responderPorts(pod: DesiredPod): readonly ContainerPort[] {
  if (!servesDns(pod)) return pod.ports;
  return pod.ports.filter((port) => port.port !== DNS_SERVER_PORT || port.protocol === 'SCTP');
}

export async function createPod(context: LabContext, pod: DesiredPod, node: NodeEntry, ip: string) {
  const key = podKey(pod);
  const hostNetwork = pod.hostNetwork === true;
  const netns = hostNetwork ? node.netns : context.names.podNetns(key);
  const hostLink = hostNetwork ? undefined : context.names.podHostLink(key);
  const id = containerId(context.names.lab, key);
  let cgroups: string[] = [];
  let dnsServer: RunningDnsServer | undefined;
  let link: FaultyLink | undefined;
  try {
    if (hostLink !== undefined) await createPodNetwork(node, { netns, hostLink, address: ip });
    if (hostLink !== undefined && context.links !== undefined) {
      const podLink = { netns, nodeNetns: node.netns, hostLink, address: ip };
      link = await startFaultyLink(podLink, context.links.faults, context.links.binary, context.log);
    }
    if (context.cgroupRoots.length > 0) cgroups = await createPodCgroups(context.cgroupRoots, pod.uid, id);
    if (servesDns(pod)) dnsServer = await startDnsServer(netns, { listen: ip }, cgroups);
    const responder = await startResponder(context.responderBinary, netns, responderPorts(pod), cgroups, {
      silentUdp: pod.silentUdp === true,
    });
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
      ...(dnsServer === undefined ? {} : { dnsServer }),
      ...(link === undefined ? {} : { link }),
    };
    return entry;
  } catch (error) {
    await dnsServer?.stop();
    await link?.stop();
    await removePodCgroups(cgroups).catch(() => undefined);
    if (hostLink !== undefined) {
      await deleteLink(node.netns, hostLink).catch(() => undefined);
      await deleteNetns(netns).catch(() => undefined);
    }
    throw error;
  }
}

/** The pod's processes, stopped (SIGTERM, then SIGKILL). */
export async function stopPodProcesses(entry: PodEntry): Promise<void> {
  await Promise.all([entry.responder.stop(), entry.dnsServer?.stop(), entry.link?.stop()]);
}

export async function deletePod(entry: PodEntry): Promise<void> {
  await stopPodProcesses(entry);
  await removePodCgroups(entry.cgroups);
  // The veth pair goes first (with the node's route to the pod), then the namespace.
  if (entry.hostLink !== undefined) {
    await deleteLink(entry.node.netns, entry.hostLink);
    await deleteNetns(entry.netns);
  }
}
