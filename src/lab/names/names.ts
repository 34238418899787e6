/**
 * Every object the lab makes outside a network namespace (the namespaces themselves,
 * cgroup folders, the state folder) carries the prefix `npa-<lab>-`, so `down` and
 * `clean` find leftovers by name even after the lab process was killed. Lab names are
 * lowercase letters and digits only: with no `-` in them, `npa-a-` can never be a
 * prefix of lab `a-p`'s objects.
 */
import { createHash } from 'node:crypto';

const LAB_NAME = /^[a-z0-9]{1,12}$/;
/** DNS-1123 label, as Kubernetes names nodes and ExternalHosts in the lab. */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Kubernetes object names (DNS-1123 subdomain). */
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
/** Pod UIDs as the API server writes them, and anything similar a caller may choose. */
const UID = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$/;

export const NETNS_PREFIX = 'npa-';

export function labNameProblem(name: string): string | undefined {
  return LAB_NAME.test(name) ? undefined : `lab name '${name}' must be 1-12 lowercase letters or digits`;
}

export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

export function isObjectName(name: string): boolean {
  return DNS_SUBDOMAIN.test(name);
}

export function isUid(uid: string): boolean {
  return UID.test(uid);
}

export function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** The names one lab uses; every method returns a name that is safe on a command line. */
export class LabNames {
  readonly prefix: string;

  constructor(readonly lab: string) {
    const problem = labNameProblem(lab);
    if (problem !== undefined) throw new Error(problem);
    this.prefix = `${NETNS_PREFIX}${lab}-`;
  }

  /** Where nodes and outside hosts meet, over a bridge. */
  get fabricNetns(): string {
    return `${this.prefix}fabric`;
  }

  nodeNetns(index: number): string {
    return `${this.prefix}n${checkIndex(index)}`;
  }

  /** The fabric side of a node's link. */
  nodeFabricLink(index: number): string {
    return `n${checkIndex(index)}`;
  }

  podNetns(podKey: string): string {
    return `${this.prefix}p-${shortHash(podKey, 11)}`;
  }

  /** The host side of a pod's veth, in its node's namespace (Calico's `cali` prefix). */
  podHostLink(podKey: string): string {
    return `cali${shortHash(podKey, 11)}`;
  }

  outsideNetns(hostName: string): string {
    if (!isDnsLabel(hostName)) throw new Error(`outside host name '${hostName}' is not a DNS label`);
    return `${this.prefix}x-${hostName}`;
  }

  outsideFabricLink(hostName: string): string {
    return `x${shortHash(hostName, 10)}`;
  }

  /** The cgroup folder under which this lab lays out its `kubepods` tree. */
  get cgroupParent(): string {
    return `${NETNS_PREFIX}${this.lab}`;
  }

  owns(netns: string): boolean {
    return netns.startsWith(this.prefix);
  }
}

function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > 9999) throw new Error(`bad node index ${index}`);
  return index;
}

/** The lab a namespace or cgroup folder belongs to, for `clean` of every lab. */
export function labOfName(name: string): string | undefined {
  const match = /^npa-([a-z0-9]{1,12})(-|$)/.exec(name);
  return match?.[1];
}

/** A pod's stable identity inside the data plane. */
export function podKey(pod: { namespace: string; name: string; uid: string }): string {
  return `${pod.namespace}/${pod.name}/${pod.uid}`;
}

/** A container ID as a runtime would write it: 64 hex digits. */
export function containerId(lab: string, key: string): string {
  return createHash('sha256').update(`${lab}\0${key}\0responder`).digest('hex');
}
