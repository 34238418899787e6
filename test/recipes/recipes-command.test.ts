/**
 * `netpol-assert recipes` as a user types it, without a cluster: list, show, and the
 * ways `run` refuses bad input (2) or an unusable cluster (3) before it applies anything.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../cli/run-cli.js';

describe('netpol-assert recipes', () => {
  test('list prints every pack: id, recipe title and assertion count', async () => {
    const run = await runCli(['recipes', 'list']);
    assert.equal(run.exitCode, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 15);
    assert.match(lines[0] ?? '', /^00-create-cluster +Create a cluster \(1 assertion\)$/);
    assert.ok(
      lines.some((line) =>
        /^07-allow-traffic-from-some-pods-in-another-namespace +ALLOW traffic from some pods in another namespace \(4 assertions\)$/.test(
          line,
        ),
      ),
    );
  });

  test('show by number prints the recipe, its namespaces, its policy YAML as written and its assertions', async () => {
    const run = await runCli(['recipes', 'show', '07']);
    assert.equal(run.exitCode, 0);
    assert.match(
      run.stdout,
      /^07-allow-traffic-from-some-pods-in-another-namespace\nALLOW traffic from some pods/,
    );
    assert.match(run.stdout, /namespaces: default → rcp-07-default, other → rcp-07-other/);
    assert.match(run.stdout, /policy\.yaml:\n {2}# web-allow-all-ns-monitoring\.yaml/);
    assert.match(run.stdout, / {10}team: operations/);
    assert.match(
      run.stdout,
      / {2}allow {2}a pod in other with type=monitoring is allowed\n {9}from other\/type=monitoring to svc:default\/web:80\n/,
    );
  });

  test('show names the outside hosts a pack needs, and the protocol when it is not TCP', async () => {
    const run = await runCli(['recipes', 'show', '14-deny-external-egress-traffic']);
    assert.equal(run.exitCode, 0);
    assert.match(run.stdout, /outside hosts \(lab only\): rcp-14-example-com 198\.51\.100\.14/);
    assert.match(run.stdout, /from default\/app=foo to kube-system\/k8s-app=kube-dns:53\/udp/);
  });

  test('an unknown recipe is bad input (2), named, with where to look', async () => {
    const run = await runCli(['recipes', 'show', '13']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /no recipe '13'; "netpol-assert recipes list" names them/);
    const many = await runCli(['recipes', 'run', '01', '99', 'nope', '--kubeconfig', '/nonexistent']);
    assert.equal(many.exitCode, 2);
    assert.match(many.stderr, /no recipe '99'/);
    assert.match(many.stderr, /no recipe 'nope'/);
  });

  test('run with --repeat outside 1..100, or a report format next to --repeat, is bad input (2)', async () => {
    for (const repeat of ['0', '101', '1.5']) {
      const run = await runCli(['recipes', 'run', '--repeat', repeat, '--kubeconfig', '/nonexistent']);
      assert.equal(run.exitCode, 2, repeat);
      assert.match(run.stderr, /--repeat must be a whole number from 1 to 100/);
    }
    const run = await runCli(['recipes', 'run', '--repeat', '3', '--reporter', 'tap', '--kubeconfig', '/x']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /with --repeat the matrix is the report/);
  });

  test('run against a kubeconfig that cannot be read is exit 3, before anything is applied', async () => {
    const run = await runCli(['recipes', 'run', '01', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(run.exitCode, 3);
    assert.match(run.stderr, /cannot load the kubeconfig/);
    const lab = await runCli(['recipes', 'run', '01', '--lab', 'nolabhere']);
    assert.equal(lab.exitCode, 3);
    assert.match(lab.stderr, /is lab 'nolabhere' up\?/);
  });
});
