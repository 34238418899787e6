/** Where the lab looks for etcd and kube-apiserver, and what it says when they are missing. */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  binaryCacheDir,
  binarySearchPath,
  findLabBinaries,
  LabBinariesMissingError,
} from '../../../src/lab/control-plane/index.js';

let root: string;
const folder = (name: string): string => join(root, name);

async function executable(dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), '#!/bin/sh\n');
  await chmod(join(dir, name), 0o755);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'netpol-assert-bin-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('--k8s-bin comes first, then KUBEBUILDER_ASSETS, then PATH, then the cache: 1.28.7 before 1.20.2', () => {
  const env = { KUBEBUILDER_ASSETS: '/assets', PATH: '/a:/b', NETPOL_ASSERT_CACHE: '/cache' };
  assert.deepEqual(binarySearchPath({ k8sBin: '/flag', env }), [
    '/flag',
    '/assets',
    '/a',
    '/b',
    '/cache/k8s-1.28.7/bin',
    '/cache/k8s-1.20.2/bin',
  ]);
  assert.equal(
    binaryCacheDir({ HOME: '/home/ci' }, '1.20.2'),
    '/home/ci/.cache/netpol-assert/k8s-1.20.2/bin',
  );
});

test('each binary is taken from the first folder that has it; the controller manager and scheduler are optional', async () => {
  await executable(folder('flag'), 'kube-apiserver');
  await executable(folder('path'), 'kube-apiserver');
  await executable(folder('path'), 'etcd');
  const env = { PATH: folder('path'), NETPOL_ASSERT_CACHE: folder('cache') };
  const found = await findLabBinaries({ k8sBin: folder('flag'), env });
  assert.deepEqual(found, {
    etcd: join(folder('path'), 'etcd'),
    kubeApiserver: join(folder('flag'), 'kube-apiserver'),
  });
});

test('with both versions cached, the control plane comes from 1.28.7', async () => {
  const env = { PATH: folder('etcd-only'), NETPOL_ASSERT_CACHE: folder('both') };
  await executable(folder('etcd-only'), 'etcd');
  for (const version of ['1.20.2', '1.28.7'] as const) {
    for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'])
      await executable(binaryCacheDir(env, version), name);
  }
  const newer = binaryCacheDir(env, '1.28.7');
  assert.deepEqual(await findLabBinaries({ env }), {
    etcd: join(folder('etcd-only'), 'etcd'),
    kubeApiserver: join(newer, 'kube-apiserver'),
    kubeControllerManager: join(newer, 'kube-controller-manager'),
    kubeScheduler: join(newer, 'kube-scheduler'),
  });
});

test('missing binaries name themselves, the folders searched and npm run setup:lab', async () => {
  const env = { PATH: folder('empty'), NETPOL_ASSERT_CACHE: folder('nothing') };
  await assert.rejects(findLabBinaries({ env }), (error: unknown) => {
    assert.ok(error instanceof LabBinariesMissingError);
    assert.deepEqual(error.missing, ['etcd', 'kube-apiserver']);
    assert.match(error.message, /npm run setup:lab/);
    assert.match(error.message, new RegExp(folder('empty')));
    return true;
  });
});
