/**
 * Least privilege, proven in a lab: `lab kubeconfig --user` hands out a client
 * certificate for a user bound to exactly the runner's ClusterRole
 * (agent/manifests/runner-clusterrole.yaml, shown in docs/live-runs.md). The example
 * suites that CI runs on kind pass as that user. With any one rule of the role left out,
 * the run exits 3 before it creates anything, naming every verb and resource the rule
 * granted, and the cluster's objects are the same before and after. So that no rule is
 * left untested because its group is not served (a run asks only about resources the
 * cluster serves), the lab serves stand-in CRDs of every other project's policies the
 * role names. One lab for all cases; each case is a new user with a new role.
 * Needs root and the lab's control plane; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import type { V1APIResource } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { permissionsOf, readClusterRole, RUNNER_CLUSTER_ROLE } from '../../src/cluster/index.js';
import type { ClusterRole, RoleRule } from '../../src/cluster/index.js';
import {
  assertionsOf,
  e2eSkipReason,
  eventually,
  labDown,
  labUp,
  REPO_ROOT,
  runCli,
  runJson,
} from './e2e-support.js';

const LAB = 'e2eleast';
/** The suites CI runs on kind; their `setup:` (more than the role grants, see docs/live-runs.md) is applied by `lab up` instead. */
const EXAMPLE_SUITES = ['suites/bookstore.yaml', 'suites/egress-dns.yaml', 'suites/namespaces.yaml'];
const skip = await e2eSkipReason();
const role = await readClusterRole();

/** Groups every lab serves itself (policy.networking.k8s.io: the lab installs its CRDs). */
const LAB_GROUPS = new Set(['', 'apps', 'networking.k8s.io', 'policy.networking.k8s.io']);

/** Kinds and scopes of the other projects' policies the role names, as their CRDs define them. */
const STAND_IN_KINDS: Readonly<Record<string, { kind: string; scope: 'Namespaced' | 'Cluster' }>> = {
  ciliumnetworkpolicies: { kind: 'CiliumNetworkPolicy', scope: 'Namespaced' },
  ciliumclusterwidenetworkpolicies: { kind: 'CiliumClusterwideNetworkPolicy', scope: 'Cluster' },
  networkpolicies: { kind: 'NetworkPolicy', scope: 'Namespaced' },
  globalnetworkpolicies: { kind: 'GlobalNetworkPolicy', scope: 'Cluster' },
  stagednetworkpolicies: { kind: 'StagedNetworkPolicy', scope: 'Namespaced' },
  stagedglobalnetworkpolicies: { kind: 'StagedGlobalNetworkPolicy', scope: 'Cluster' },
  stagedkubernetesnetworkpolicies: { kind: 'StagedKubernetesNetworkPolicy', scope: 'Namespaced' },
  clusternetworkpolicies: { kind: 'ClusterNetworkPolicy', scope: 'Cluster' },
  egressfirewalls: { kind: 'EgressFirewall', scope: 'Namespaced' },
};

/** A CRD (any schema) for each resource of a group the lab does not serve itself. */
function standInCrds(role: ClusterRole): Record<string, unknown>[] {
  const resources = role.rules.flatMap((rule) =>
    rule.apiGroups
      .filter((group) => !LAB_GROUPS.has(group))
      .flatMap((group) => rule.resources.map((plural) => ({ group, plural }))),
  );
  return resources.map(({ group, plural }) => {
    const known = STAND_IN_KINDS[plural];
    if (known === undefined)
      throw new Error(`no stand-in kind for ${plural}.${group}: add it to STAND_IN_KINDS`);
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        scope: known.scope,
        names: {
          plural,
          singular: known.kind.toLowerCase(),
          kind: known.kind,
          listKind: `${known.kind}List`,
        },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
  });
}

function kubeConfigOf(path: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

/** Each group version the API server serves, with its resources (the core group's name is ''). */
async function discover(
  config: KubeConfig,
  versions: 'all' | 'preferred',
): Promise<{ group: string; groupVersion: string; resources: V1APIResource[] }[]> {
  const core = await config.makeApiClient(CoreV1Api).getAPIResources();
  const { groups } = await config.makeApiClient(ApisApi).getAPIVersions();
  const custom = config.makeApiClient(CustomObjectsApi);
  const named = groups.flatMap((group) =>
    (versions === 'all' ? group.versions : group.preferredVersion ? [group.preferredVersion] : []).map(
      async ({ groupVersion, version }) => ({
        group: group.name,
        groupVersion,
        resources: (await custom.getAPIResources({ group: group.name, version })).resources,
      }),
    ),
  );
  return [{ group: '', groupVersion: 'v1', resources: core.resources }, ...(await Promise.all(named))];
}

/** `group resource` of everything discovery lists, `pods/exec` included. */
async function servedResources(config: KubeConfig): Promise<Set<string>> {
  const served = await discover(config, 'all');
  return new Set(served.flatMap(({ group, resources }) => resources.map((r) => `${group} ${r.name}`)));
}

/**
 * Every object of every listable kind (events aside), as `group/version/resource namespace/name uid`;
 * objects being deleted, and all in a namespace being deleted, left out: a run before this one
 * leaves its agent's namespace terminating, and the namespace controller empties it at any time.
 */
async function objectListing(config: KubeConfig): Promise<string[]> {
  const objects = KubernetesObjectApi.makeApiClient(config);
  const listable = (await discover(config, 'preferred')).flatMap(({ groupVersion, resources }) =>
    resources
      .filter((r) => !r.name.includes('/') && r.verbs.includes('list') && r.name !== 'events')
      .map((resource) => ({ groupVersion, resource })),
  );
  const listed = await Promise.all(
    listable.map(async ({ groupVersion, resource }) =>
      (await objects.list(groupVersion, resource.kind)).items.map(({ metadata = {} }) => ({
        line: `${groupVersion}/${resource.name} ${metadata.namespace ?? ''}/${metadata.name} ${metadata.uid}`,
        namespace: metadata.namespace,
        leaving: metadata.deletionTimestamp !== undefined,
        leavingNamespace:
          resource.name === 'namespaces' && metadata.deletionTimestamp !== undefined
            ? metadata.name
            : undefined,
      })),
    ),
  );
  const items = listed.flat();
  const leaving = new Set(items.map((item) => item.leavingNamespace).filter((name) => name !== undefined));
  return items
    .filter((item) => !item.leaving && (item.namespace === undefined || !leaving.has(item.namespace)))
    .map((item) => item.line)
    .sort();
}

/** A copy of the suite in `folder` without its one `setup:` line. */
async function withoutSetup(suite: string, folder: string): Promise<string> {
  const lines = (await readFile(join(REPO_ROOT, suite), 'utf8')).split('\n');
  const kept = lines.filter((line) => !line.startsWith('setup:'));
  assert.equal(kept.length, lines.length - 1, `${suite} has one setup: line`);
  const copy = join(folder, suite.replace('suites/', ''));
  await writeFile(copy, kept.join('\n'));
  return copy;
}

/** `verb resource[.group]` as RBAC and the run's message name it. */
function permissionNames(rule: RoleRule): string[] {
  return rule.apiGroups.flatMap((group) =>
    rule.resources.flatMap((resource) =>
      rule.verbs.map((verb) => `${verb} ${group === '' ? resource : `${resource}.${group}`}`),
    ),
  );
}

function missingNamed(stderr: string): string[] {
  return [...stderr.matchAll(/missing permission: (\S+ \S+)/g)].map((match) => match[1] ?? '').sort();
}

describe("a run as a user with exactly the runner's ClusterRole", { skip, timeout: 600_000 }, () => {
  let folder = '';
  let admin: KubeConfig;
  let suites: string[] = [];

  /** `lab kubeconfig` for a new user bound to `rules` (the whole role when not given). */
  async function userKubeconfig(user: string, rules?: readonly RoleRule[]): Promise<string> {
    const file = join(folder, `${user}-role.yaml`);
    const written = rules === undefined ? role.object : { ...role.object, metadata: { name: user }, rules };
    await writeFile(file, stringify(written));
    const made = await runCli(['lab', 'kubeconfig', '--name', LAB, '--user', user, '--role', file]);
    assert.equal(made.exitCode, 0, made.stderr);
    return made.stdout.trim();
  }

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'npa-least-'));
    await writeFile(
      join(folder, 'crds.yaml'),
      standInCrds(role)
        .map((crd) => stringify(crd))
        .join('---\n'),
    );
    suites = await Promise.all(EXAMPLE_SUITES.map((suite) => withoutSetup(suite, folder)));
    const kubeconfig = await labUp(LAB, { manifests: ['suites/manifests', join(folder, 'crds.yaml')] });
    admin = kubeConfigOf(kubeconfig);
    // Every permission of the role is on a served resource, so that no case below checks nothing.
    const wanted = permissionsOf(role.rules).map(
      (p) => `${p.group} ${p.subresource ? `${p.resource}/${p.subresource}` : p.resource}`,
    );
    const served = await eventually(
      () => servedResources(admin),
      (names) => wanted.every((name) => names.has(name)),
    );
    assert.deepEqual(
      wanted.filter((name) => !served.has(name)),
      [],
    );
  });

  after(async () => {
    await labDown(LAB);
    await rm(folder, { recursive: true, force: true });
  });

  test('the role tested is the one the package ships, every rule of it', async () => {
    const shipped = parse(await readFile(RUNNER_CLUSTER_ROLE, 'utf8')) as { rules: unknown[] };
    assert.equal(role.rules.length, shipped.rules.length);
    assert.ok(role.rules.length >= 10, `${role.rules.length} rules`);
  });

  test('the example suites pass as that user, and the run leaves nothing behind', async () => {
    const kubeconfig = await userKubeconfig('runner');
    const before = await objectListing(admin);
    const { run, report } = await runJson([...suites, '--kubeconfig', kubeconfig]);
    assert.equal(run.exitCode, 0, run.stderr);
    const assertions = assertionsOf(report);
    assert.ok(assertions.length >= 20, `${assertions.length} assertions`);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map((a) => a.name),
      [],
    );
    assert.doesNotMatch(run.stderr, /forbidden|missing permission|ACCESS_NOT_CHECKED|POLICIES_NOT_READ/i);
    // It made what a run makes (the agent, a probe pod) with the role's create verbs, and removed it.
    assert.match(run.stderr, /agent ready on 2 node\(s\)/);
    assert.match(run.stderr, /created: [1-9]\d* probe pod\(s\)/);
    // Probe pods, their namespaces and the agent are gone again (or going).
    assert.deepEqual(await objectListing(admin), before);
  });

  test('a suite whose setup needs more than the role exits 3 with the refused request in words, and creates nothing', async () => {
    const kubeconfig = await userKubeconfig('setupuser');
    const before = await objectListing(admin);
    const run = await runCli([EXAMPLE_SUITES[0] ?? '', '--kubeconfig', kubeconfig]);
    assert.equal(run.exitCode, 3, run.stderr);
    assert.match(run.stderr, /could not get [A-Za-z]+ [a-z0-9-]+\/[a-z0-9-]+: .*\(Forbidden, HTTP 403\)/);
    // client-node's ApiException dump (code, body, headers) is not what a user reads.
    assert.doesNotMatch(run.stderr, /HTTP-Code|Headers:|Body:/);
    assert.deepEqual(await objectListing(admin), before);
  });

  role.rules.forEach((removed, index) => {
    const granted = permissionNames(removed);
    test(`without rule ${index + 1} (${granted[0]}, ...) the run exits 3 naming each verb and resource it granted, and creates nothing`, async () => {
      const kubeconfig = await userKubeconfig(
        `without${index + 1}`,
        role.rules.filter((_, i) => i !== index),
      );
      const before = await objectListing(admin);
      const run = await runCli([...suites, '--kubeconfig', kubeconfig, '--reporter', 'json']);
      const afterRun = await objectListing(admin);
      assert.equal(run.exitCode, 3, run.stderr);
      assert.deepEqual(missingNamed(run.stderr), granted.sort(), run.stderr);
      assert.match(run.stderr, /nothing was created/);
      assert.equal(run.stdout, '');
      assert.deepEqual(afterRun, before);
    });
  });

  test('a missing create on daemonsets names the agent namespace it is used in', async () => {
    const index = role.rules.findIndex(
      (rule) => rule.resources.includes('daemonsets') && rule.verbs.includes('create'),
    );
    const kubeconfig = await userKubeconfig(
      'nodaemonset',
      role.rules.filter((_, i) => i !== index),
    );
    const run = await runCli([...suites, '--kubeconfig', kubeconfig]);
    assert.equal(run.exitCode, 3);
    assert.match(
      run.stderr,
      /missing permission: create daemonsets\.apps in namespace netpol-assert-system\n/,
    );
  });
});
