/**
 * A lab whose binaries are only etcd and kube-apiserver (root): no kube-scheduler, so the
 * emulated kubelet binds pods itself (a requested node is honoured, others go round
 * robin), and no kube-controller-manager, so ServiceAccount admission is off and bare
 * pods still start.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  binaryCacheDir,
  findLabBinaries,
  RELEASE_KUBERNETES_VERSION,
} from '../../src/lab/control-plane/index.js';
import { labDown, labPaths, labUp, readSupervisorRecord } from '../../src/lab/index.js';
import { isRoot } from './lab-helpers.js';

const LAB = 'cpsolo';
const quiet = (): void => undefined;

describe(
  'a lab without kube-scheduler and kube-controller-manager',
  { skip: isRoot ? false : 'the lab needs root', timeout: 90_000 },
  () => {
    let cache: string;
    const saved = {
      NETPOL_ASSERT_CACHE: process.env.NETPOL_ASSERT_CACHE,
      KUBEBUILDER_ASSETS: process.env.KUBEBUILDER_ASSETS,
    };

    before(async () => {
      // A cache that holds only the kube-apiserver under test (etcd comes from PATH), and no
      // KUBEBUILDER_ASSETS (the test runner's version folder has the scheduler); the
      // supervisor inherits this environment.
      const binaries = await findLabBinaries();
      cache = await mkdtemp(join(tmpdir(), 'netpol-assert-solo-'));
      const bin = binaryCacheDir({ NETPOL_ASSERT_CACHE: cache }, RELEASE_KUBERNETES_VERSION);
      await mkdir(bin, { recursive: true });
      await symlink(binaries.kubeApiserver, join(bin, 'kube-apiserver'));
      process.env.NETPOL_ASSERT_CACHE = cache;
      delete process.env.KUBEBUILDER_ASSETS;
    });

    after(async () => {
      await labDown({ lab: LAB, progress: quiet });
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await rm(cache, { recursive: true, force: true });
    });

    test('bare pods are bound by the lab, the requested node honoured, and run', async () => {
      const found = await findLabBinaries();
      assert.equal(found.kubeScheduler, undefined, 'the scheduler is out of reach');
      assert.equal(found.kubeControllerManager, undefined, 'the controller manager is out of reach');
      const up = await labUp({
        lab: LAB,
        manifests: [new URL('./fixtures/bare-pods', import.meta.url).pathname],
        cni: 'full',
        nodes: 2,
        startTimeoutMs: 90_000,
        waitTimeoutMs: 60_000,
        progress: quiet,
      });
      assert.ok(up.ok, JSON.stringify(up));
      const record = await readSupervisorRecord(labPaths(LAB));
      assert.deepEqual(
        record?.processes.map((process) => process.name),
        ['etcd', 'kube-apiserver'],
      );
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(up.kubeconfig);
      const pods = (await kubeConfig.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'solo' })).items;
      const nodeOf = (name: string): string | undefined =>
        pods.find((pod) => pod.metadata?.name === name)?.spec?.nodeName;
      assert.equal(nodeOf('pinned-to-node-1'), 'lab-node-1');
      assert.notEqual(nodeOf('anywhere-a'), nodeOf('anywhere-b'), 'round robin spreads the others');
      for (const pod of pods) assert.equal(pod.status?.phase, 'Running');
    });
  },
);
