/**
 * Finding a pod's network namespace: first over a fake /proc tree of plain files, then
 * for real: a process started inside a namespace made by the test and placed in a cgroup
 * named as the kubelet names it (needs root; skipped with the reason otherwise).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  readAgentOutput,
  resolveNetnsRefs,
  scanPodProcesses,
  podNetns,
  PodProcessScan,
} from '../../agent/index.js';
import { AGENT_BIN, netnsSkipReason, removeNetns } from './netns-fixture.js';

const POD_A = '11111111-2222-4333-8444-555555555555';
const POD_B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const POD_C = '99999999-8888-4777-8666-555555555555';
const POD_LATE = '77777777-6666-4555-8444-333333333333';
const CID = 'c'.repeat(64);

interface FakeProcess {
  readonly pid: number;
  readonly comm: string;
  readonly cgroup: string;
  /** False for a process whose namespace file is gone (exited, or a zombie). */
  readonly netns?: boolean;
}

const systemdPod = (uid: string, leaf: string) =>
  `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid.replace(/-/g, '_')}.slice/${leaf}`;

const PROCESSES: readonly FakeProcess[] = [
  { pid: 1, comm: 'systemd', cgroup: '0::/init.scope' },
  { pid: 100, comm: 'pause', cgroup: systemdPod(POD_A, `crio-${CID}.scope`) },
  { pid: 101, comm: 'nginx', cgroup: systemdPod(POD_A, `crio-${'d'.repeat(64)}.scope`) },
  { pid: 99, comm: 'conmon', cgroup: systemdPod(POD_A, `crio-conmon-${CID}.scope`) },
  { pid: 300, comm: 'pause', cgroup: `4:memory:/kubepods/besteffort/pod${POD_B}/${CID}\n1:cpu:/` },
  {
    pid: 301,
    comm: 'app',
    cgroup: `4:memory:/kubepods/besteffort/pod${POD_B}/${'e'.repeat(64)}`,
    netns: false,
  },
  { pid: 400, comm: 'sh', cgroup: systemdPod(POD_C, '') },
];

describe('a pod namespace in a fake /proc', () => {
  let procRoot: string;

  before(async () => {
    procRoot = await mkdtemp(join(tmpdir(), 'npa-agent-proc-'));
    for (const process of PROCESSES) {
      const dir = join(procRoot, String(process.pid));
      await mkdir(join(dir, 'ns'), { recursive: true });
      await writeFile(join(dir, 'cgroup'), `${process.cgroup}\n`);
      await writeFile(join(dir, 'comm'), `${process.comm}\n`);
      if (process.netns !== false) await writeFile(join(dir, 'ns', 'net'), '');
    }
    await writeFile(join(procRoot, 'self'), ''); // not a pid: ignored
  });

  after(async () => {
    await rm(procRoot, { recursive: true, force: true });
  });

  const find = async (uid: string, skipPids: number[] = []) =>
    podNetns(uid, await scanPodProcesses({ procRoot, skipPids }), procRoot);

  test("an application container is entered before the pause process, and CRI-O's conmon never", async () => {
    assert.deepEqual(await find(POD_A), { ok: true, path: join(procRoot, '101', 'ns', 'net'), pid: 101 });
    assert.deepEqual(await find(POD_A, [101]), {
      ok: true,
      path: join(procRoot, '100', 'ns', 'net'),
      pid: 100,
    });
    assert.deepEqual(await find(POD_A, [100, 101]), {
      ok: false,
      reason: `no process of pod ${POD_A} on this node`,
    });
  });

  test('a process whose namespace file cannot be opened is passed over', async () => {
    assert.deepEqual(await find(POD_B), { ok: true, path: join(procRoot, '300', 'ns', 'net'), pid: 300 });
  });

  test('a process that sits directly in the pod cgroup will do when nothing else is there', async () => {
    assert.deepEqual(await find(POD_C), { ok: true, path: join(procRoot, '400', 'ns', 'net'), pid: 400 });
  });

  test('a UID with underscores or capitals finds the same pod', async () => {
    const found = await find(POD_A.replace(/-/g, '_').toUpperCase());
    assert.equal(found.ok && found.pid, 101);
  });

  test('a pod with no process on this node is a reason, not a namespace', async () => {
    assert.deepEqual(await find('00000000-0000-4000-8000-000000000000'), {
      ok: false,
      reason: 'no process of pod 00000000-0000-4000-8000-000000000000 on this node',
    });
  });

  test('a scan kept up to date finds a pod started after it, and forgets a process that is gone', async () => {
    const scan = new PodProcessScan({ procRoot });
    const before = await scan.update();
    assert.equal(before.has(POD_LATE), false);
    const late = join(procRoot, '500');
    await mkdir(join(late, 'ns'), { recursive: true });
    await writeFile(join(late, 'cgroup'), `${systemdPod(POD_LATE, `crio-${CID}.scope`)}\n`);
    await writeFile(join(late, 'comm'), 'pause\n');
    await writeFile(join(late, 'ns', 'net'), '');
    try {
      const after = await scan.update();
      assert.deepEqual(await podNetns(POD_LATE, after, procRoot), {
        ok: true,
        path: join(late, 'ns', 'net'),
        pid: 500,
      });
      await rm(late, { recursive: true });
      const gone = await scan.update();
      assert.equal(gone.has(POD_LATE), false);
      assert.deepEqual([...gone.keys()].sort(), [...before.keys()].sort());
    } finally {
      await rm(late, { recursive: true, force: true });
    }
  });

  test("a process first read before it joined its pod's cgroup is found when the batch names its pod", async () => {
    const scan = new PodProcessScan({ procRoot });
    const joining = join(procRoot, '600');
    await mkdir(join(joining, 'ns'), { recursive: true });
    await writeFile(join(joining, 'cgroup'), '0::/system.slice/lab.service\n');
    await writeFile(join(joining, 'comm'), 'responder\n');
    await writeFile(join(joining, 'ns', 'net'), '');
    try {
      // The scan begun while the batch was on its way reads the process outside any pod...
      assert.equal((await scan.update()).has(POD_LATE), false);
      await writeFile(join(joining, 'cgroup'), `${systemdPod(POD_LATE, `crio-${CID}.scope`)}\n`);
      // ...an update reads only new processes, so it alone would not find the pod...
      assert.equal((await scan.update()).has(POD_LATE), false);
      // ...but resolving a batch that names the pod reads the outsiders again.
      const resolved = await resolveNetnsRefs([{ kind: 'pod', uid: POD_LATE }], { procRoot, scan });
      const found = resolved.get(`pod:${POD_LATE}`);
      assert.ok(found?.ok, JSON.stringify(found));
      assert.equal(found.path, join(joining, 'ns', 'net'));
    } finally {
      await rm(joining, { recursive: true, force: true });
    }
  });

  test('two refs to one namespace resolve to one identity, so they share a helper', async () => {
    const resolved = await resolveNetnsRefs(
      [
        { kind: 'host' },
        { kind: 'netns', path: join(procRoot, '1', 'ns', 'net') },
        { kind: 'pod', uid: POD_B },
      ],
      { procRoot },
    );
    const host = resolved.get('host');
    const path = resolved.get(`netns:${join(procRoot, '1', 'ns', 'net')}`);
    const pod = resolved.get(`pod:${POD_B}`);
    assert.ok(host?.ok && path?.ok && pod?.ok);
    assert.equal(host.identity, path.identity);
    assert.notEqual(host.identity, pod.identity);
  });

  test('the command line reports a pod that is not on this node as not ok, with the reason', async () => {
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const batch = {
      version: 1,
      requests: [
        {
          kind: 'probe',
          id: 'from-elsewhere',
          source: { kind: 'pod', uid: missing },
          ip: '198.19.77.2',
          port: 80,
          protocol: 'TCP',
          timeoutMs: 100,
          attempts: 1,
        },
      ],
    };
    const result = await execa(process.execPath, [AGENT_BIN, 'probe', '--proc-root', procRoot], {
      input: JSON.stringify(batch),
      timeout: 30_000,
    });
    const [point] = readAgentOutput(result.stdout).filter((event) => event.kind === 'result');
    assert.equal(point?.kind === 'result' && point.ok, false);
    assert.equal(
      point?.kind === 'result' && point.response.reason,
      `no process of pod ${missing} on this node`,
    );
  });
});

const skipReal = (await netnsSkipReason()) ?? (await cgroupV1Pids());

/** This machine's v1 pids hierarchy, where the test places its fake pod. */
async function cgroupV1Pids(): Promise<string | undefined> {
  return access('/sys/fs/cgroup/pids/cgroup.procs').then(
    () => undefined,
    () => 'needs a cgroup v1 pids hierarchy at /sys/fs/cgroup/pids',
  );
}

test(
  'a process in a kubelet-named cgroup leads to the namespace it runs in',
  { skip: skipReal },
  async () => {
    const uid = randomUUID();
    const containerId = randomBytes(32).toString('hex');
    const netns = `npt-${randomBytes(3).toString('hex')}-pod`;
    const root = '/sys/fs/cgroup/pids';
    const levels = ['kubepods', 'besteffort', `pod${uid}`, containerId];
    const created: string[] = [];
    let sleeper: ReturnType<typeof execa> | undefined;
    try {
      await execa('ip', ['netns', 'add', netns]);
      // `ip netns exec` execs, so the pid is the sleeper's own.
      sleeper = execa('ip', ['netns', 'exec', netns, 'sleep', '30'], { reject: false });
      let dir = root;
      for (const level of levels) {
        dir = join(dir, level);
        const made = await mkdir(dir).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            if (error.code !== 'EEXIST') throw error;
            return false;
          },
        );
        if (made) created.push(dir);
      }
      await waitForNetns(sleeper.pid ?? -1, netns);
      await writeFile(join(dir, 'cgroup.procs'), String(sleeper.pid));

      const resolved = await resolveNetnsRefs([{ kind: 'pod', uid }], {
        procRoot: '/proc',
        skipPids: [process.pid],
      });
      const found = resolved.get(`pod:${uid}`);
      assert.ok(found?.ok, JSON.stringify(found));
      assert.equal(found.path, `/proc/${sleeper.pid}/ns/net`);
      assert.equal((await stat(found.path)).ino, (await stat(`/run/netns/${netns}`)).ino);
    } finally {
      sleeper?.kill('SIGKILL');
      await sleeper;
      for (const dir of created.reverse()) await removeCgroupDir(dir);
      await removeNetns([netns]);
    }
  },
);

/** Until `ip netns exec` has entered the namespace (its pid's ns/net is the netns's). */
async function waitForNetns(pid: number, netns: string): Promise<void> {
  const target = (await stat(`/run/netns/${netns}`)).ino;
  for (let i = 0; i < 100; i++) {
    const current = await stat(`/proc/${pid}/ns/net`).catch(() => undefined);
    if (current?.ino === target) return;
    await sleep(20);
  }
  throw new Error(`pid ${pid} never entered ${netns}`);
}

/** rmdir, retrying while the kernel still counts the killed sleeper. */
async function removeCgroupDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw error;
      await sleep(20);
    }
  }
}
