/**
 * The pods a workload's controller would run, for manifests that declare the workload
 * but not its pods. Names and labels follow the controllers (`web-<hash>-<suffix>` with
 * `pod-template-hash`, `db-0` with `statefulset.kubernetes.io/pod-name`, one DaemonSet
 * pod per matching node); hashes are stable, so the same manifests give the same pods.
 * Pods are not scheduled, except where the address depends on it: a DaemonSet pod is on
 * its node, and a hostNetwork pod is placed round-robin on the nodes it may run on.
 */
import type { Labels } from '../policy/index.js';
import { matchesSelector } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import type { NodeDraft } from './read-node.js';
import type { PodDraft, PodOwner } from './pod-draft.js';
import type { Workload } from './read-workload.js';
import { stableDigits, stableToken } from './stable-names.js';

/** One pod to be: its name, the labels its controller adds, and a node if it has one. */
interface PodSlot {
  readonly name: string;
  readonly extraLabels: Labels;
  readonly nodeName?: string;
}

export function expandWorkload(workload: Workload, owner: PodOwner, nodes: readonly NodeDraft[]): PodDraft[] {
  const eligible = nodes.filter((node) =>
    matchesSelector({ matchLabels: workload.template.nodeSelector, matchExpressions: [] }, node.labels),
  );
  const slots = podSlots(workload, eligible, nodes.length === 0);
  const { template } = workload;
  // A pinned address can only be one pod's.
  const ips =
    slots.length === 1 && template.pinnedIp !== undefined && !template.hostNetwork ? [template.pinnedIp] : [];
  return slots.map((slot, index) => {
    const nodeName = slot.nodeName ?? template.nodeName ?? hostNetworkNode(workload, eligible, index);
    return {
      namespace: workload.namespace,
      name: slot.name,
      labels: { ...template.labels, ...slot.extraLabels },
      ...(nodeName === undefined ? {} : { nodeName }),
      hostNetwork: template.hostNetwork,
      ports: template.ports,
      ips,
      owner,
      location: workload.location,
    };
  });
}

function hostNetworkNode(
  workload: Workload,
  eligible: readonly NodeDraft[],
  index: number,
): string | undefined {
  if (!workload.template.hostNetwork || eligible.length === 0) return undefined;
  return eligible[index % eligible.length]?.name;
}

function podSlots(workload: Workload, eligibleNodes: readonly NodeDraft[], noNodes: boolean): PodSlot[] {
  const { kind, namespace, name } = workload;
  const indices = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
  const suffixes = new UniqueSuffixes(`${kind}/${namespace}/${name}`);
  switch (kind) {
    case 'Deployment': {
      const hash = stableToken(`pod-template-hash/${namespace}/${name}`, 10);
      return indices(replicaCount(workload)).map(() => ({
        name: `${name}-${hash}-${suffixes.next()}`,
        extraLabels: { 'pod-template-hash': hash },
      }));
    }
    case 'StatefulSet':
      return indices(replicaCount(workload)).map((index) => ({
        name: `${name}-${index}`,
        extraLabels: {
          'statefulset.kubernetes.io/pod-name': `${name}-${index}`,
          'apps.kubernetes.io/pod-index': String(index),
        },
      }));
    case 'ReplicaSet':
      return indices(replicaCount(workload)).map(() => ({
        name: `${name}-${suffixes.next()}`,
        extraLabels: {},
      }));
    case 'DaemonSet':
      // With no nodes declared, show the one pod a one-node cluster would run.
      if (noNodes) return [{ name: `${name}-${suffixes.next()}`, extraLabels: {} }];
      return eligibleNodes.map((node) => ({
        name: `${name}-${suffixes.next()}`,
        extraLabels: {},
        nodeName: node.name,
      }));
    case 'Job':
      return jobSlots(name, replicaCount(workload), suffixes);
    case 'CronJob':
      return jobSlots(
        `${name}-${stableDigits(`job/${namespace}/${name}`, 8)}`,
        replicaCount(workload),
        suffixes,
      );
    default:
      return assertNever(kind);
  }
}

function jobSlots(jobName: string, count: number, suffixes: UniqueSuffixes): PodSlot[] {
  const extraLabels = { 'job-name': jobName, 'batch.kubernetes.io/job-name': jobName };
  return Array.from({ length: count }, () => ({ name: `${jobName}-${suffixes.next()}`, extraLabels }));
}

function replicaCount(workload: Workload): number {
  return workload.pods.kind === 'replicas' ? workload.pods.count : 0;
}

/** Five-character suffixes, stable per workload and pod index, never repeated within it. */
class UniqueSuffixes {
  private readonly used = new Set<string>();
  private index = 0;

  constructor(private readonly seed: string) {}

  next(): string {
    for (let attempt = 0; ; attempt += 1) {
      const suffix = stableToken(`${this.seed}/${this.index}/${attempt}`, 5);
      if (!this.used.has(suffix)) {
        this.used.add(suffix);
        this.index += 1;
        return suffix;
      }
    }
  }
}
