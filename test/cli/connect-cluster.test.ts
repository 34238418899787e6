/**
 * connectCluster, the one place every command that talks to a cluster chooses it: the
 * lab by name, reached through the kubeconfig it wrote, or kubectl's rules. Checked
 * against the fake API server of test/cluster, so a choice is proved by the requests
 * that reach it.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import { connectCluster } from '../../src/cli/connect-cluster.js';
import { ClusterUnavailableError } from '../../src/cluster/index.js';
import { FakeApiServer } from '../cluster/fake-api-server.js';

let runtime = '';
let fake: FakeApiServer;
before(async () => {
  // Labs keep their files under $XDG_RUNTIME_DIR/netpol-assert/<lab>/ (src/lab/names/paths.ts).
  runtime = await mkdtemp(join(tmpdir(), 'netpol-assert-connect-'));
  process.env.XDG_RUNTIME_DIR = runtime;
});
after(async () => {
  await rm(runtime, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await FakeApiServer.start();
});
afterEach(async () => {
  await fake.stop();
});

test('--lab NAME reaches the cluster through the kubeconfig that lab wrote, with its control socket', async () => {
  const folder = join(runtime, 'netpol-assert', 'lab7');
  await mkdir(folder, { recursive: true });
  await copyFile(fake.kubeconfig, join(folder, 'kubeconfig'));
  const chosen = connectCluster({ lab: 'lab7' });
  assert.equal(chosen.labSocket, join(folder, 'supervisor.sock'));
  assert.equal(chosen.kubeConfig, chosen.cluster.kubeConfig);
  await chosen.cluster.removeAgent();
  // After the delete, removal looks for NotReady nodes whose pods it must force out.
  assert.deepEqual(fake.calls(), [
    'DELETE /api/v1/namespaces/netpol-assert-system?gracePeriodSeconds=0',
    'GET /api/v1/nodes',
  ]);
});

test("--lab NAME offers the lab's outside hosts as sources, asked of its supervisor: none answering is exit 3", async () => {
  const folder = join(runtime, 'netpol-assert', 'lab8');
  await mkdir(folder, { recursive: true });
  await copyFile(fake.kubeconfig, join(folder, 'kubeconfig'));
  const chosen = connectCluster({ lab: 'lab8' });
  assert.equal(chosen.outsideSources?.owner, "lab 'lab8'");
  await assert.rejects(
    chosen.outsideSources.list(),
    (error: unknown) =>
      error instanceof ClusterUnavailableError &&
      error.message.startsWith("lab 'lab8' did not say which outside hosts it has: "),
  );
});

test('a lab that is not up is a cluster that cannot be used, and says how to start it', () => {
  assert.throws(
    () => connectCluster({ lab: 'nolab' }),
    (error: unknown) =>
      error instanceof ClusterUnavailableError &&
      error.message.startsWith(
        `cannot load the kubeconfig (is lab 'nolab' up? see "netpol-assert lab up"): `,
      ),
  );
});

test('--kubeconfig and --context choose the file and the context; no lab socket', () => {
  const chosen = connectCluster({ kubeconfig: fake.kubeconfig, context: 'other' });
  assert.equal(chosen.cluster.name, 'other');
  assert.equal(chosen.labSocket, undefined);
  assert.equal(chosen.outsideSources, undefined);
  assert.equal(chosen.kubeConfig.getCurrentCluster()?.server, fake.url);
});

test('empty --kubeconfig and --context are kubectl defaults: $KUBECONFIG and its current context', () => {
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = fake.kubeconfig;
  try {
    const chosen = connectCluster({ kubeconfig: '', context: '' });
    assert.equal(chosen.cluster.name, 'fake');
    assert.equal(chosen.kubeConfig.getCurrentCluster()?.server, fake.url);
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});
