/**
 * A run whose agent image the cluster cannot pull stops within seconds, exit 3, naming
 * the image and how to build and load it, instead of waiting out `--ready-timeout`. The
 * lab holds netpol-assert's image only as its payload's references (as `kind load` would
 * give it), so any other tag of it fails to pull there as on a real node. Needs root and
 * the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { Result as ExecaResult } from 'execa';
import { coreApi, e2eSkipReason, eventually, labDown, labUp, REPO_ROOT, runObjects } from './e2e-support.js';

const LAB = 'e2epull';
const MISSING_IMAGE = 'ghcr.io/netpol-assert/agent:0.0.0-missing';
const skip = await e2eSkipReason();

describe('a run with an agent image the cluster cannot pull', { skip, timeout: 150_000 }, () => {
  let kubeconfig = '';
  let run: ExecaResult;
  let elapsedMs = 0;

  before(async () => {
    kubeconfig = await labUp(LAB);
    const started = Date.now();
    run = await execa(
      process.execPath,
      ['bin/netpol-assert.js', 'suites/', '--lab', LAB, '--image', MISSING_IMAGE, '--ready-timeout', '120'],
      { cwd: REPO_ROOT, reject: false, timeout: 60_000 },
    );
    elapsedMs = Date.now() - started;
    process.stderr.write(`# e2epull: the run exited ${run.exitCode} after ${elapsedMs} ms\n`);
  });

  after(async () => {
    await labDown(LAB);
  });

  test('exits 3 in well under 20 s, long before the 120 s ready timeout', () => {
    assert.equal(run.exitCode, 3, String(run.stderr));
    assert.ok(elapsedMs < 20_000, `took ${elapsedMs} ms`);
  });

  test('names the image, the kubelet reason, and how to build and load it or pass --image', () => {
    const stderr = String(run.stderr);
    assert.match(stderr, /the agent image ghcr\.io\/netpol-assert\/agent:0\.0\.0-missing cannot be pulled/);
    assert.match(stderr, /\((ErrImagePull|ImagePullBackOff) in \S+\/\S+: /);
    assert.ok(
      stderr.includes(
        `npm run build:agent && docker build -f agent/Dockerfile -t ${MISSING_IMAGE} . && kind load docker-image ${MISSING_IMAGE}`,
      ),
      stderr,
    );
    assert.match(stderr, /--image/);
  });

  test('leaves neither the agent nor any run object behind', async () => {
    const core = coreApi(kubeconfig);
    const agentNamespace = () =>
      core.readNamespace({ name: 'netpol-assert-system' }).then(
        (ns) => (ns.metadata?.deletionTimestamp === undefined ? 'present' : 'deleting'),
        () => 'gone',
      );
    const left = await eventually(
      async () => ({ objects: await runObjects(core), agent: await agentNamespace() }),
      ({ objects, agent }) =>
        agent !== 'present' && [...objects.pods, ...objects.namespaces].every((object) => object.deleting),
    );
    assert.notEqual(left.agent, 'present');
    assert.deepEqual(
      [...left.objects.pods, ...left.objects.namespaces].filter((object) => !object.deleting),
      [],
    );
  });
});
