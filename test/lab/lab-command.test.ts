/**
 * `netpol-assert lab` as a user types it: bad input is exit code 2 before anything
 * starts, a lab that is not there is exit code 3 for apply, status and kubeconfig, and `down` of
 * nothing is fine. (Bringing a lab up is in control-plane.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import yargs from 'yargs';
import { labCommand } from '../../src/cli/lab-command.js';
import { isRoot } from './lab-helpers.js';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code = -1;
  const context = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
    cwd: process.cwd(),
  };
  await yargs(argv)
    .command(labCommand(context, (exit) => (code = exit)))
    .strict()
    .exitProcess(false)
    .fail((message) => {
      stderr += message;
      code = 2;
    })
    .parseAsync();
  return { code, stdout, stderr };
}

describe('netpol-assert lab', { skip: isRoot ? false : 'the lab needs root' }, () => {
  test('up with an unknown --cni mode, a bad lab name or missing manifests is bad input (2), all problems at once', async () => {
    const result = await run('lab', 'up', '--name', 'Bad_Name', '--cni', 'calico', '--nodes', '0');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /lab name 'Bad_Name'/);
    assert.match(result.stderr, /unknown --cni mode 'calico'/);
    assert.match(result.stderr, /--nodes must be/);
    const missing = await run('lab', 'up', '--name', 'nolab', '-f', '/nonexistent/manifests');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or folder: \/nonexistent\/manifests/);
  });

  test('up with an outside host outside the documentation ranges is bad input', async () => {
    const folder = new URL('./fixtures/bad-outside-host', import.meta.url).pathname;
    const result = await run('lab', 'up', '--name', 'nolab', '-f', folder);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /8\.8\.8\.8 is not in a documentation range/);
    // In the one format of every problem: place, code, the line and a caret under the address.
    assert.match(
      result.stderr,
      /hosts\.yaml:6:12: error NOT_DOCUMENTATION_ADDRESS: .*\n {2}6 \| {3}address: 8\.8\.8\.8\n {4}\| {12}\^\n/,
    );
  });

  test('up without etcd and kube-apiserver anywhere is exit code 3 and names npm run setup:lab', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'netpol-assert-nobin-'));
    const saved = {
      PATH: process.env.PATH,
      NETPOL_ASSERT_CACHE: process.env.NETPOL_ASSERT_CACHE,
      KUBEBUILDER_ASSETS: process.env.KUBEBUILDER_ASSETS,
    };
    Object.assign(process.env, { PATH: empty, NETPOL_ASSERT_CACHE: empty });
    delete process.env.KUBEBUILDER_ASSETS;
    try {
      const result = await run('lab', 'up', '--name', 'nolab');
      assert.equal(result.code, 3);
      assert.match(result.stderr, /npm run setup:lab/);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('apply and status of a lab that is not up are exit code 3; down of it is fine', async () => {
    const fixtures = new URL('./fixtures/basic', import.meta.url).pathname;
    const apply = await run('lab', 'apply', '--name', 'nolab', '-f', fixtures);
    assert.equal(apply.code, 3);
    assert.match(apply.stderr, /no lab 'nolab' is up/);
    const status = await run('lab', 'status', '--name', 'nolab');
    assert.equal(status.code, 3);
    const down = await run('lab', 'down', '--name', 'nolab');
    assert.equal(down.code, 0);
    assert.match(down.stderr, /no lab 'nolab' to remove/);
  });
});

describe('netpol-assert lab kubeconfig', () => {
  test('a user that is no DNS label, or a role file that holds no ClusterRole, is bad input (2)', async () => {
    const user = await run('lab', 'kubeconfig', '--name', 'nolab', '--user', 'Not_A_Label');
    assert.equal(user.code, 2);
    assert.match(user.stderr, /--user 'Not_A_Label' must be a DNS label/);
    const notRole = new URL('../../agent/manifests/agent.yaml', import.meta.url).pathname;
    const role = await run('lab', 'kubeconfig', '--name', 'nolab', '--user', 'ci', '--role', notRole);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role .*agent\.yaml: /);
    const missing = await run(
      'lab',
      'kubeconfig',
      '--name',
      'nolab',
      '--user',
      'ci',
      '--role',
      '/nonexistent/role.yaml',
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--role .*no such file/i);
  });

  test("for a lab that is not up it is exit code 3, and the runner's role is the default", async () => {
    const result = await run('lab', 'kubeconfig', '--name', 'nolab', '--user', 'ci');
    assert.equal(result.code, 3);
    assert.match(result.stderr, /no lab 'nolab' is up/);
    assert.equal(result.stdout, '');
  });
});
