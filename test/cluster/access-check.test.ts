/**
 * The check a run makes before it creates anything, against a fake API server: a cluster
 * administrator is asked one question; for any other user every
 * permission of the runner's ClusterRole on a served resource is asked about once (a
 * SelfSubjectAccessReview), a refused one is named with its verb, resource and namespace
 * (exit 3), a resource the cluster does not serve is not asked about, a server that will
 * not answer the review is a warning, and one that cannot be reached is exit 3.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  checkRunAccess,
  ClusterUnavailableError,
  permissionsOf,
  readClusterRole,
} from '../../src/cluster/index.js';
import { failure, FakeApiServer } from './fake-api-server.js';
import type { Answer, RecordedRequest } from './fake-api-server.js';

const REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

/** What a plain cluster serves of the role's resources: no other project's policies. */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
  '/api/v1': ['namespaces', 'nodes', 'pods', 'pods/exec', 'pods/log', 'services', 'configmaps'],
  '/apis/apps/v1': ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
  '/apis/networking.k8s.io/v1': ['networkpolicies', 'ingresses'],
};

interface Attributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
}

let fake: FakeApiServer;
let kubeConfig: KubeConfig;
/** Reviews answered "not allowed", as `verb group resource[/sub]`. */
let refused: Set<string>;
/** What a user who is no cluster administrator is refused besides: everything at once. */
const NOT_ADMIN = '* * *';

function key(attributes: Attributes): string {
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  return `${attributes.verb} ${attributes.group} ${resource}`;
}

function answer(request: RecordedRequest): Answer | undefined {
  const builtIn = request.method === 'GET' ? BUILT_IN[request.path] : undefined;
  if (builtIn !== undefined)
    return {
      status: 200,
      body: { kind: 'APIResourceList', resources: builtIn.map((name) => ({ name, verbs: ['get', 'list'] })) },
    };
  if (request.method === 'POST' && request.path === REVIEWS) {
    const body = request.body as { spec: { resourceAttributes: Attributes } };
    const allowed = !refused.has(key(body.spec.resourceAttributes));
    return { status: 201, body: { ...body, status: { allowed } } };
  }
  return undefined;
}

/** The reviews asked after the first, whether the user may do anything. */
function reviewsAsked(): Attributes[] {
  const asked = fake.requests
    .filter((request) => request.method === 'POST' && request.path === REVIEWS)
    .map((request) => (request.body as { spec: { resourceAttributes: Attributes } }).spec.resourceAttributes);
  assert.equal(asked[0] && key(asked[0]), NOT_ADMIN);
  return asked.slice(1);
}

beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.intercept = answer;
  refused = new Set([NOT_ADMIN]);
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(fake.kubeconfig);
});
afterEach(async () => {
  await fake.stop();
});

test('every permission of the role on a served resource is asked about once, and all granted pass', async () => {
  const role = await readClusterRole();
  const notices = await checkRunAccess(kubeConfig);
  assert.deepEqual(notices, []);
  const asked = reviewsAsked().map(key);
  const served = permissionsOf(role.rules).filter((p) => ['', 'apps', 'networking.k8s.io'].includes(p.group));
  assert.ok(served.length >= 20, `${served.length} permissions`);
  assert.deepEqual([...asked].sort(), served.map((p) => key(p)).sort());
  // Nothing but discovery and the reviews: the check creates nothing.
  assert.deepEqual(
    fake.calls('POST', 'PUT', 'PATCH', 'DELETE').filter((call) => !call.startsWith(`POST ${REVIEWS}`)),
    [],
  );
});

test('a cluster administrator is asked one question, whether it may do anything, and nothing else', async () => {
  refused = new Set(['list  nodes']);
  assert.deepEqual(await checkRunAccess(kubeConfig), []);
  assert.deepEqual(fake.calls(), [`POST ${REVIEWS}`]);
});

test('a refused permission stops the run (exit 3) naming verb, resource and the agent namespace', async () => {
  refused = new Set([NOT_ADMIN, 'create apps daemonsets', 'list  nodes', 'create  pods/exec']);
  await assert.rejects(checkRunAccess(kubeConfig), (error: unknown) => {
    assert.ok(error instanceof ClusterUnavailableError);
    const lines = error.message.split('\n');
    assert.equal(lines[0], 'the user of fake may not do all a run does; nothing was created:');
    assert.deepEqual(lines.filter((line) => line.includes('missing permission')).sort(), [
      '  missing permission: create daemonsets.apps in namespace netpol-assert-system',
      '  missing permission: create pods/exec in namespace netpol-assert-system',
      '  missing permission: list nodes',
    ]);
    assert.match(error.message, /agent\/manifests\/runner-clusterrole\.yaml/);
    return true;
  });
  const daemonSets = reviewsAsked().find((a) => a.resource === 'daemonsets' && a.verb === 'create');
  assert.equal(daemonSets?.namespace, 'netpol-assert-system');
  assert.equal(reviewsAsked().find((a) => a.resource === 'nodes')?.namespace, undefined);
});

test("another project's policies are asked about where the cluster serves them, and named when refused", async () => {
  fake.serveResource(
    {
      group: 'cilium.io',
      version: 'v2',
      plural: 'ciliumnetworkpolicies',
      kind: 'CiliumNetworkPolicy',
      namespaced: true,
    },
    {
      group: 'cilium.io',
      version: 'v2',
      plural: 'ciliumclusterwidenetworkpolicies',
      kind: 'CiliumClusterwideNetworkPolicy',
      namespaced: false,
    },
  );
  refused = new Set([
    NOT_ADMIN,
    'list cilium.io ciliumnetworkpolicies',
    'list crd.antrea.io networkpolicies',
  ]);
  await assert.rejects(checkRunAccess(kubeConfig), (error: unknown) => {
    assert.ok(error instanceof ClusterUnavailableError);
    // Antrea is not served: not asked about, not named.
    assert.deepEqual(
      error.message.split('\n').filter((line) => line.includes('missing permission')),
      ['  missing permission: list ciliumnetworkpolicies.cilium.io'],
    );
    return true;
  });
  const cilium = reviewsAsked()
    .filter((a) => a.group === 'cilium.io')
    .map(key);
  assert.deepEqual(cilium.sort(), [
    'get cilium.io ciliumclusterwidenetworkpolicies',
    'get cilium.io ciliumnetworkpolicies',
    'list cilium.io ciliumclusterwidenetworkpolicies',
    'list cilium.io ciliumnetworkpolicies',
  ]);
  assert.deepEqual(
    reviewsAsked().filter((a) => !['', 'apps', 'networking.k8s.io', 'cilium.io'].includes(a.group)),
    [],
  );
});

test('a server that refuses the review itself is a warning, and the run goes on', async () => {
  fake.intercept = (request) =>
    request.path === REVIEWS
      ? failure(403, 'Forbidden', 'selfsubjectaccessreviews is forbidden')
      : answer(request);
  const notices = await checkRunAccess(kubeConfig);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]?.kind, 'warning');
  assert.match(notices[0]?.message ?? '', /could not check the run's permissions \(.*forbidden/);
});

test('a server that cannot be reached is exit 3, before anything is created', async () => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const { port } = closed.address() as AddressInfo;
  closed.close();
  const text = (await readFile(fake.kubeconfig, 'utf8')).replace(fake.url, `http://127.0.0.1:${port}`);
  await writeFile(fake.kubeconfig, text);
  const unreachable = new KubeConfig();
  unreachable.loadFromFile(fake.kubeconfig);
  await assert.rejects(
    checkRunAccess(unreachable),
    (error: unknown) =>
      error instanceof ClusterUnavailableError &&
      /^could not check the run's permissions on fake: .*ECONNREFUSED/s.test(error.message),
  );
});
