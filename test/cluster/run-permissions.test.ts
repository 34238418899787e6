/**
 * The runner's ClusterRole has one home, agent/manifests/runner-clusterrole.yaml: the docs
 * show exactly that file, the package ships it, and its rules spread into the permissions
 * a run checks, each named as RBAC names it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import {
  clusterRoleOf,
  describePermission,
  permissionsOf,
  readClusterRole,
  RUNNER_CLUSTER_ROLE,
} from '../../src/cluster/index.js';

const ROOT = new URL('../../', import.meta.url);

/** The role file without the comment lines that open it (they point at the docs). */
async function roleText(): Promise<string> {
  const lines = (await readFile(RUNNER_CLUSTER_ROLE, 'utf8')).split('\n');
  return lines.slice(lines.findIndex((line) => !line.startsWith('#'))).join('\n');
}

/** The first ```yaml block after `heading` in a doc. */
async function yamlBlockAfter(doc: string, heading: string): Promise<string> {
  const text = await readFile(new URL(doc, ROOT), 'utf8');
  const from = text.indexOf(heading);
  assert.ok(from >= 0, `${doc} has "${heading}"`);
  const block = /```yaml\n([\s\S]*?)```/.exec(text.slice(from));
  assert.ok(block?.[1], `${doc} shows a yaml block after "${heading}"`);
  return block[1];
}

test('docs/live-runs.md shows exactly the role file, and names it', async () => {
  assert.equal(
    await yamlBlockAfter('docs/live-runs.md', '## The identity the runner uses'),
    await roleText(),
  );
  const docs = await readFile(new URL('docs/live-runs.md', ROOT), 'utf8');
  assert.match(docs, /agent\/manifests\/runner-clusterrole\.yaml/);
});

test('docs/ci.md points at that role', async () => {
  const ci = await readFile(new URL('docs/ci.md', ROOT), 'utf8');
  assert.match(ci, /runner-clusterrole\.yaml/);
  assert.match(ci, /live-runs\.md#the-identity-the-runner-uses/);
});

test('the package ships the role file where the code reads it', async () => {
  const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('agent'));
  const copies = await readFile(new URL('scripts/copy-build-assets.mjs', ROOT), 'utf8');
  assert.match(copies, /\['agent\/manifests', 'dist\/agent\/manifests'\]/);
  assert.equal(
    RUNNER_CLUSTER_ROLE.pathname,
    new URL('agent/manifests/runner-clusterrole.yaml', ROOT).pathname,
  );
});

test('each rule spreads into verb × resource × group, the agent-only ones in the agent namespace', async () => {
  const role = await readClusterRole();
  assert.equal(role.name, 'netpol-assert');
  const permissions = permissionsOf(role.rules);
  const expected = role.rules.reduce(
    (sum, rule) => sum + rule.apiGroups.length * rule.resources.length * rule.verbs.length,
    0,
  );
  assert.ok(expected >= 40, `${expected} permissions`);
  assert.equal(permissions.length, expected);
  const named = permissions.map(describePermission);
  for (const line of [
    'list nodes',
    'get pods',
    'deletecollection pods',
    'list networkpolicies.networking.k8s.io',
    'list ciliumclusterwidenetworkpolicies.cilium.io',
    'list stagednetworkpolicies.crd.projectcalico.org',
    'create daemonsets.apps in namespace netpol-assert-system',
    'create pods/exec in namespace netpol-assert-system',
    'get pods/exec in namespace netpol-assert-system',
  ])
    assert.ok(named.includes(line), line);
  const exec = permissions.find((p) => p.subresource === 'exec');
  assert.deepEqual(exec && { resource: exec.resource, subresource: exec.subresource }, {
    resource: 'pods',
    subresource: 'exec',
  });
});

test('a file that is not a ClusterRole with lists of strings is refused, saying why', () => {
  const role = (rules: unknown): unknown => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'r' },
    rules,
  });
  assert.throws(() => clusterRoleOf({ ...(role([]) as object), kind: 'Role' }), /not a ClusterRole/);
  assert.throws(() => clusterRoleOf(role(undefined)), /has no rules/);
  assert.throws(
    () => clusterRoleOf(role([{ apiGroups: [''], resources: 'pods', verbs: ['get'] }])),
    /rule 1: resources must be a list of strings/,
  );
  assert.throws(() => clusterRoleOf({ ...(role([]) as object), metadata: {} }), /has no name/);
  assert.equal(
    clusterRoleOf(role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])).rules.length,
    1,
  );
});
