/** A lab that cannot start says why, with the end of the failing component's log, and leaves nothing behind (root). */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { labDown, labPaths, labUp } from '../../src/lab/index.js';
import { isRoot, leftoversOf } from './lab-helpers.js';

const LAB = 'cpfail';
const quiet = (): void => undefined;

describe(
  'a lab whose kube-apiserver will not start',
  { skip: isRoot ? false : 'the lab needs root', timeout: 60_000 },
  () => {
    let folder: string;
    before(async () => {
      folder = await mkdtemp(join(tmpdir(), 'netpol-assert-broken-'));
      const broken = join(folder, 'kube-apiserver');
      // It names a version, as the lab asks first, then refuses to serve.
      await writeFile(
        broken,
        '#!/bin/sh\n[ "$1" = --version ] && { echo "Kubernetes v1.28.7"; exit 0; }\n' +
          'echo "Error: unknown flag: --lab-test-broken" >&2\nexit 1\n',
      );
      await chmod(broken, 0o755);
    });
    after(async () => {
      await labDown({ lab: LAB, progress: quiet });
      await rm(folder, { recursive: true, force: true });
    });

    test('lab up fails with the reason and the log, and tears down what it started', async () => {
      const result = await labUp({
        lab: LAB,
        manifests: [],
        cni: 'full',
        nodes: 1,
        k8sBin: folder,
        startTimeoutMs: 60_000,
        waitTimeoutMs: 10_000,
        progress: quiet,
      });
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.kind === 'unavailable');
      assert.match(result.message, /kube-apiserver exited with code 1 before it was ready/);
      assert.match(result.message, /unknown flag: --lab-test-broken/);
      const left = await leftoversOf(LAB, `${labPaths(LAB).root}/`, []);
      assert.deepEqual(left, { processes: [], netns: [], listening: [], stateFolder: false });
    });

    test('lab up refuses a kube-apiserver that names no Kubernetes version, and leaves nothing', async () => {
      const nameless = join(folder, 'nameless');
      await mkdir(nameless);
      await writeFile(join(nameless, 'kube-apiserver'), '#!/bin/sh\necho "usage: who knows" >&2\nexit 1\n');
      await chmod(join(nameless, 'kube-apiserver'), 0o755);
      const result = await labUp({
        lab: LAB,
        manifests: [],
        cni: 'full',
        nodes: 1,
        k8sBin: nameless,
        startTimeoutMs: 60_000,
        waitTimeoutMs: 10_000,
        progress: quiet,
      });
      assert.ok(!result.ok && result.kind === 'unavailable');
      assert.match(
        result.message,
        /kube-apiserver --version said "usage: who knows", not a Kubernetes version/,
      );
      const left = await leftoversOf(LAB, `${labPaths(LAB).root}/`, []);
      assert.deepEqual(left, { processes: [], netns: [], listening: [], stateFolder: false });
    });
  },
);
