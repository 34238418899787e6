import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePodUid, podOfCgroupFile, podOfCgroupLine } from '../../agent/index.js';
import type { PodCgroup } from '../../agent/index.js';

const UID = '5b0c7a52-1234-4abc-8def-00000000beef';
const UID_ = UID.replace(/-/g, '_');
const ID = '3f1c0e5d9a7b6c4e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e';

/** Lines as found on real nodes, by runtime and cgroup driver. */
const LINES: readonly {
  readonly name: string;
  readonly line: string;
  readonly pod: PodCgroup | undefined;
}[] = [
  {
    name: 'cgroup v1, cgroupfs driver, containerd',
    line: `11:memory:/kubepods/besteffort/pod${UID}/${ID}`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'unknown', id: ID } },
  },
  {
    name: 'cgroup v1, cgroupfs driver, guaranteed pod (no QoS folder)',
    line: `4:pids:/kubepods/pod${UID}/${ID}`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'unknown', id: ID } },
  },
  {
    name: 'cgroup v1 named hierarchy, systemd driver, containerd',
    line: `1:name=systemd:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'containerd', id: ID } },
  },
  {
    name: 'cgroup v2, systemd driver, containerd',
    line: `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'containerd', id: ID } },
  },
  {
    name: 'cgroup v2, systemd driver, guaranteed pod',
    line: `0::/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'containerd', id: ID } },
  },
  {
    name: 'cgroup v2, systemd driver, CRI-O',
    line: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'cri-o', id: ID } },
  },
  {
    name: "CRI-O's conmon, which lives in the pod's cgroup but the host's network",
    line: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-conmon-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'conmon', id: ID } },
  },
  {
    name: 'cgroup v1, cgroupfs driver, CRI-O',
    line: `7:cpu,cpuacct:/kubepods/burstable/pod${UID}/crio-${ID}`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'cri-o', id: ID } },
  },
  {
    name: 'cgroup v1, systemd driver, Docker (dockershim or cri-dockerd)',
    line: `9:devices:/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/docker-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'docker', id: ID } },
  },
  {
    name: 'cgroup v1, cgroupfs driver, Docker',
    line: `5:blkio:/kubepods/besteffort/pod${UID}/${ID}`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'unknown', id: ID } },
  },
  {
    name: 'kind: the node runs nested under the kubelet slice',
    line: `0::/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'containerd', id: ID } },
  },
  {
    name: "seen from inside another pod's cgroup namespace",
    line: `0::/../../kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'containerd', id: ID } },
  },
  {
    name: 'the netpol-assert lab: kubepods under a lab parent',
    line: `8:pids:/npa-default/kubepods/besteffort/pod${UID}/${ID}`,
    pod: { uid: UID, leaf: { kind: 'container', runtime: 'unknown', id: ID } },
  },
  {
    name: 'a static pod: its UID is a 32-digit hash',
    line: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod6b4a5e0c1e5c4e1d8f0b2a3c4d5e6f70.slice/cri-containerd-${ID}.scope`,
    pod: {
      uid: '6b4a5e0c1e5c4e1d8f0b2a3c4d5e6f70',
      leaf: { kind: 'container', runtime: 'containerd', id: ID },
    },
  },
  {
    name: 'a process directly in the pod cgroup',
    line: `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice`,
    pod: { uid: UID, leaf: { kind: 'pod' } },
  },
  {
    name: 'something under the pod cgroup we do not know',
    line: `0::/kubepods/besteffort/pod${UID}/sandbox-extra`,
    pod: { uid: UID, leaf: { kind: 'other', name: 'sandbox-extra' } },
  },
  { name: 'a QoS folder is no pod', line: '0::/kubepods.slice/kubepods-besteffort.slice', pod: undefined },
  { name: 'the kubelet itself', line: '0::/system.slice/kubelet.service', pod: undefined },
  {
    name: 'a user session',
    line: '1:name=systemd:/user.slice/user-1000.slice/session-2.scope',
    pod: undefined,
  },
  { name: 'podman is not a pod', line: '0::/machine.slice/libpod-podman.scope', pod: undefined },
  { name: 'the root cgroup', line: '0::/', pod: undefined },
  { name: 'not a cgroup line', line: 'garbage', pod: undefined },
];

describe('the pod of a /proc/<pid>/cgroup line', () => {
  for (const { name, line, pod } of LINES) {
    test(name, () => assert.deepEqual(podOfCgroupLine(line), pod));
  }
});

describe('the pod of a whole /proc/<pid>/cgroup file', () => {
  test('cgroup v1: the line that names the container wins over one that stops at the pod', () => {
    const file = [
      '12:hugetlb:/',
      `9:name=systemd:/kubepods/besteffort/pod${UID}`,
      `4:memory:/kubepods/besteffort/pod${UID}/${ID}`,
      '',
    ].join('\n');
    assert.deepEqual(podOfCgroupFile(file), {
      uid: UID,
      leaf: { kind: 'container', runtime: 'unknown', id: ID },
    });
  });

  test('a host process names no pod', () => {
    assert.equal(
      podOfCgroupFile('12:memory:/system.slice/containerd.service\n0::/system.slice/containerd.service\n'),
      undefined,
    );
  });
});

test('pod UIDs compare as the API server writes them', () => {
  assert.equal(normalizePodUid(UID_.toUpperCase()), UID);
});
