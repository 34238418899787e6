/**
 * A lab whose process was SIGKILLed leaves processes, namespaces and cgroups behind;
 * `cleanLeftovers` from another process removes all of it, with or without the state
 * folder. Needs root, iproute2, nftables and a C compiler.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DataPlaneStatus } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import { hostSnapshot, labSkipReason, processExists } from './lab-support.js';

const skip = (await labSkipReason()) ?? false;
const FIXTURE = fileURLToPath(new URL('./fixtures/hold-a-lab.ts', import.meta.url));
const STATE_ROOT = `${process.env.XDG_RUNTIME_DIR || '/run'}/netpol-assert`;

/** Starts a lab in a child process, waits for its status, then SIGKILLs the child. */
async function killedLab(lab: string): Promise<DataPlaneStatus> {
  const child = execa('node', ['--import', 'tsx', FIXTURE, lab], {
    reject: false,
    buffer: false,
    stdout: 'pipe',
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      void child.then((result) =>
        reject(new Error(`fixture exited: ${String(result.stderr ?? result.exitCode)}`)),
      );
    });
    return JSON.parse(line) as DataPlaneStatus;
  } finally {
    child.kill('SIGKILL');
    await child;
  }
}

function pidsOf(status: DataPlaneStatus): number[] {
  return [
    ...status.pods.flatMap((pod) => (pod.phase === 'Running' ? [pod.pid] : [])),
    ...status.externalHosts.map((host) => host.pid),
  ];
}

after(async () => {
  if (skip !== false) return;
  await DataPlane.cleanLeftovers({ lab: 'tkilla' });
  await DataPlane.cleanLeftovers({ lab: 'tkillb' });
});

test('cleanLeftovers removes a lab whose process was SIGKILLed', { skip }, async () => {
  await DataPlane.cleanLeftovers({ lab: 'tkilla' });
  const before = await hostSnapshot('npa-tkilla-');
  const status = await killedLab('tkilla');
  const pids = pidsOf(status);
  assert.equal(pids.length, 3);
  for (const pid of pids)
    assert.equal(await processExists(pid), true, `responder ${pid} outlived its lab process`);
  assert.ok((await hostSnapshot('npa-tkilla-')).netns.length >= 6);

  const report = await DataPlane.cleanLeftovers({ lab: 'tkilla' });
  assert.deepEqual([...report.processes].sort(), [...pids].sort());
  assert.deepEqual(report.stateDirs, ['tkilla']);
  for (const pid of pids) assert.equal(await processExists(pid), false);
  assert.deepEqual(await hostSnapshot('npa-tkilla-'), before);
});

test(
  'cleanLeftovers finds a killed lab by name and cgroup folder when its state folder is gone',
  { skip },
  async () => {
    await DataPlane.cleanLeftovers({ lab: 'tkillb' });
    const before = await hostSnapshot('npa-tkillb-');
    const status = await killedLab('tkillb');
    await rm(`${STATE_ROOT}/tkillb`, { recursive: true, force: true });
    const report = await DataPlane.cleanLeftovers({ lab: 'tkillb' });
    assert.deepEqual([...report.processes].sort(), [...pidsOf(status)].sort());
    assert.ok(report.cgroups.length > 0, 'the pods cgroup folders were found by scanning');
    assert.deepEqual(await hostSnapshot('npa-tkillb-'), before);
    const again = await DataPlane.cleanLeftovers({ lab: 'tkillb' });
    assert.deepEqual(again, { labs: ['tkillb'], processes: [], netns: [], cgroups: [], stateDirs: [] });
  },
);
