/**
 * A run that is stopped leaves nothing behind: Ctrl-C (SIGINT) while its probe pods exist
 * removes them, their namespace and the agent and exits 130; a run killed outright
 * (SIGKILL) leaves them, and `netpol-assert clean` removes them. The binary runs as a
 * child process; what it left is read from the lab's API through its kubeconfig. Needs
 * root and the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { findLabBinaries } from '../../src/lab/control-plane/index.js';
import { AGENT_NAMESPACE } from '../../src/probe/index.js';
import {
  coreApi,
  e2eSkipReason,
  eventually,
  labDown,
  labUp,
  REPO_ROOT,
  runCli,
  runObjects,
  said,
} from './e2e-support.js';
import type { RunObject } from './e2e-support.js';

const LAB = 'e2eint';
/** Three probe pods (two sources, one in a namespace of its own, and a responder), busy for 4 s. */
const SUITE = 'test/fixtures/e2e/interrupt.yaml';
const skip = await e2eSkipReason();

type Child = ResultPromise<{ cwd: string; reject: false; timeout: number }>;

function startRun(): Child {
  return execa(process.execPath, ['bin/netpol-assert.js', SUITE, '--lab', LAB], {
    cwd: REPO_ROOT,
    reject: false,
    timeout: 120_000,
  });
}

/** The child's result, or a failure (and the child killed) when it has not exited in time. */
async function exitWithin(child: Child, ms: number): Promise<Awaited<Child>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run did not exit within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([child, late]);
  } finally {
    clearTimeout(timer);
  }
}

const probePodsUp = (objects: { pods: RunObject[]; namespaces: RunObject[] }): boolean =>
  objects.pods.length >= 3 && objects.namespaces.length >= 1;

describe('a run that is stopped midway', { skip, timeout: 180_000 }, () => {
  let core: CoreV1Api;
  /** Without kube-controller-manager no namespace controller finishes a deletion: Terminating is all there is. */
  let namespacesGo = true;

  /** Nothing of any run is left (namespaces at least being deleted when no controller can finish it). */
  async function assertNothingLeft(): Promise<void> {
    const left = await eventually(
      () => runObjects(core),
      (o) => o.pods.length === 0 && (o.namespaces.length === 0 || !namespacesGo),
      20_000,
    );
    assert.deepEqual(left.pods, [], 'no probe pod remains');
    if (namespacesGo) assert.deepEqual(left.namespaces, [], 'no run namespace remains');
    else
      assert.ok(
        left.namespaces.every((ns) => ns.deleting),
        'every run namespace is being deleted',
      );
    const agent = await eventually(
      () =>
        core.readNamespace({ name: AGENT_NAMESPACE }).then(
          (ns) => ns.metadata,
          () => undefined,
        ),
      (metadata) => metadata === undefined || !namespacesGo,
      20_000,
    );
    assert.ok(agent === undefined || agent.deletionTimestamp !== undefined, 'the agent is gone or going');
  }

  before(async () => {
    namespacesGo = (await findLabBinaries()).kubeControllerManager !== undefined;
    core = coreApi(await labUp(LAB));
  });

  after(async () => {
    await labDown(LAB);
  });

  test('SIGINT while probes are under way exits 130 and leaves no probe pod, run namespace or agent', async () => {
    const child = startRun();
    const probing = said(child, 'probing ', 60_000);
    const during = await eventually(() => runObjects(core), probePodsUp, 60_000);
    assert.ok(probePodsUp(during), `the run made its probe pods: ${JSON.stringify(during)}`);
    // The denied probes wait out their 4 s timeout: the signal lands mid-probe.
    await probing;
    const signalled = Date.now();
    child.kill('SIGINT');
    const result = await exitWithin(child, 45_000);
    process.stderr.write(`# e2eint: the run exited ${Date.now() - signalled} ms after SIGINT\n`);
    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.match(String(result.stderr), /SIGINT: stopping, removing what this run created/);
    await assertNothingLeft();
  });

  test('after a SIGKILLed run, netpol-assert clean removes the probe pods, run namespace and agent it left', async () => {
    const child = startRun();
    const during = await eventually(() => runObjects(core), probePodsUp, 60_000);
    assert.ok(probePodsUp(during), `the run made its probe pods: ${JSON.stringify(during)}`);
    child.kill('SIGKILL');
    const result = await exitWithin(child, 10_000);
    assert.equal(result.signal, 'SIGKILL');
    const left = await runObjects(core);
    assert.ok(probePodsUp(left), 'a killed run cleans up nothing: there is something for clean to do');

    const clean = await runCli(['clean', '--lab', LAB]);
    assert.equal(clean.exitCode, 0, clean.stderr);
    assert.match(clean.stdout, /removed netpol-assert's leftovers from netpol-assert-e2eint/);
    await assertNothingLeft();
  });
});
