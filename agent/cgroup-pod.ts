/**
 * Which pod a process belongs to, from its /proc/<pid>/cgroup: the kubelet names every
 * pod's cgroup after the pod UID, whatever the runtime.
 *
 *   v1 cgroupfs    4:memory:/kubepods/besteffort/pod<uid>/<container-id>
 *   v2 systemd     0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope
 *   CRI-O          .../kubepods-pod<uid>.slice/crio-<id>.scope  (conmon: crio-conmon-<id>.scope, in the host's network)
 *   Docker         .../pod<uid>/<id>  or  .../docker-<id>.scope
 *   nested (kind)  0::/kubelet.slice/kubelet-kubepods.slice/.../kubelet-kubepods-besteffort-pod<uid>.slice/...
 *   cgroup ns      0::/../../kubepods-besteffort-pod<uid>.slice/...  (seen from inside another pod's cgroup namespace)
 */

/** The cgroup just below the pod's: what the process is, as far as the name tells. */
export type PodCgroupLeaf =
  | { readonly kind: 'container'; readonly runtime: ContainerRuntime; readonly id: string }
  /** CRI-O's monitor: lives in the pod's cgroup but in the host's network namespace. */
  | { readonly kind: 'conmon'; readonly id: string }
  /** Directly in the pod's cgroup, or under a name we do not know. */
  | { readonly kind: 'pod' }
  | { readonly kind: 'other'; readonly name: string };

export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker' | 'unknown';

export interface PodCgroup {
  /** With dashes, as the API server writes it. */
  readonly uid: string;
  readonly leaf: PodCgroupLeaf;
}

const CGROUPFS_POD = /^pod([0-9a-f][0-9a-f-]{7,63})$/i;
const SYSTEMD_POD = /^(?:[a-z0-9_]+-)*pod([0-9a-f][0-9a-f_]{7,63})\.slice$/i;
const CONMON = /^crio-conmon-([0-9a-f]{12,64})(?:\.scope)?$/i;
const CONTAINER = /^(?:(cri-containerd|crio|docker|containerd)-)?([0-9a-f]{12,64})(?:\.scope)?$/i;
const RUNTIMES: Readonly<Record<string, ContainerRuntime>> = {
  'cri-containerd': 'containerd',
  containerd: 'containerd',
  crio: 'cri-o',
  docker: 'docker',
};

/** Pod UIDs compared as the API server writes them: lower case, dashes. */
export function normalizePodUid(uid: string): string {
  return uid.toLowerCase().replace(/_/g, '-');
}

/** The pod of one `hierarchy-id:controllers:path` line, if the path names one. */
export function podOfCgroupLine(line: string): PodCgroup | undefined {
  const fields = line.split(':');
  if (fields.length < 3) return undefined;
  const segments = fields.slice(2).join(':').split('/');
  for (const [index, segment] of segments.entries()) {
    const uid = podUidOfSegment(segment);
    if (uid !== undefined) return { uid, leaf: leafOf(segments[index + 1]) };
  }
  return undefined;
}

/**
 * The pod of a whole /proc/<pid>/cgroup file. cgroup v1 lists one line per hierarchy;
 * the one that also names the container wins over one that stops at the pod.
 */
export function podOfCgroupFile(text: string): PodCgroup | undefined {
  let found: PodCgroup | undefined;
  for (const line of text.split('\n')) {
    const pod = podOfCgroupLine(line.trim());
    if (pod === undefined) continue;
    if (found === undefined || (found.leaf.kind === 'pod' && pod.leaf.kind !== 'pod')) found = pod;
  }
  return found;
}

function podUidOfSegment(segment: string): string | undefined {
  const match = CGROUPFS_POD.exec(segment) ?? SYSTEMD_POD.exec(segment);
  return match?.[1] === undefined ? undefined : normalizePodUid(match[1]);
}

function leafOf(segment: string | undefined): PodCgroupLeaf {
  if (segment === undefined || segment === '') return { kind: 'pod' };
  const conmon = CONMON.exec(segment);
  if (conmon?.[1] !== undefined) return { kind: 'conmon', id: conmon[1] };
  const container = CONTAINER.exec(segment);
  if (container?.[2] !== undefined) {
    return { kind: 'container', runtime: RUNTIMES[container[1] ?? ''] ?? 'unknown', id: container[2] };
  }
  return { kind: 'other', name: segment };
}
