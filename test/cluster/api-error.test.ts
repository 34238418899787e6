/**
 * An API error in words: what KubeCluster tells when the API server refuses a request
 * names the verb, the object's kind, namespace and name (or what was listed), and the
 * reason and message of the Status the server sent, never a bare HTTP code. Each case is
 * a real request through client-node to the fake API server (fake-api-server.ts).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { KubeCluster } from '../../src/cluster/index.js';
import { apiRequestError, requested, requestWords } from '../../src/cluster/api-error.js';
import { closedPort, failure, FakeApiServer } from './fake-api-server.js';

const IMAGE = 'registry.example/agent:test';
const AGENT_NAMESPACE = 'netpol-assert-system';

let fake: FakeApiServer;
let cluster: KubeCluster;
beforeEach(async () => {
  fake = await FakeApiServer.start();
  cluster = KubeCluster.connect({ kubeconfig: fake.kubeconfig });
});
afterEach(async () => {
  cluster.closeOpenExecs();
  await fake.stop();
});

const sourcePod = {
  pod: { namespace: 'shop', name: 'npa-src-1', labels: { app: 'x' }, ips: [], hostNetwork: false, ports: [] },
  role: 'source' as const,
};

test('a create refused with 409 names the verb, the pod by namespace and name, and the Status reason', async () => {
  fake.intercept = (request) =>
    request.method === 'POST' && request.path === '/api/v1/namespaces/shop/pods'
      ? failure(409, 'AlreadyExists', 'pods "npa-src-1-aa11" already exists')
      : undefined;
  await assert.rejects(cluster.createRunObjects('aa11', [], [sourcePod], 1000, IMAGE), {
    name: 'ClusterUnavailableError',
    message:
      'could not create the probe pods on fake: create Pod shop/npa-src-1-aa11: ' +
      'pods "npa-src-1-aa11" already exists (AlreadyExists, HTTP 409)',
  });
});

test("the agent's DaemonSet refused (403) is named as a create in the agent's namespace, with the server's message", async () => {
  fake.intercept = (request) =>
    request.method === 'POST' && request.path.endsWith('/daemonsets')
      ? failure(
          403,
          'Forbidden',
          'daemonsets.apps is forbidden: User "ci" cannot create resource "daemonsets" in API group "apps"',
        )
      : undefined;
  await assert.rejects(cluster.ensureAgent('aa11', IMAGE, 1000), {
    name: 'ClusterUnavailableError',
    message:
      `could not install the agent on fake: create DaemonSet ${AGENT_NAMESPACE}/netpol-assert-agent: ` +
      'daemonsets.apps is forbidden: User "ci" cannot create resource "daemonsets" in API group "apps" ' +
      '(Forbidden, HTTP 403)',
  });
});

test('a list refused is named with the kind listed and the label selector', async () => {
  fake.intercept = (request) =>
    request.method === 'GET' && request.path === '/api/v1/pods'
      ? failure(403, 'Forbidden', 'pods is forbidden: User "ci" cannot list resource "pods"')
      : undefined;
  await assert.rejects(cluster.removeRunObjects('aa11'), {
    name: 'ClusterUnavailableError',
    message:
      'could not remove the run objects on fake: list Pods labelled netpol-assert.io/run=aa11: ' +
      'pods is forbidden: User "ci" cannot list resource "pods" (Forbidden, HTTP 403)',
  });
});

test('an answer with no Status (a 401, a proxy) still says the reason its code stands for', async () => {
  fake.intercept = () => ({ status: 401 });
  await assert.rejects(cluster.removeAgent(), {
    name: 'ClusterUnavailableError',
    message: `could not remove the agent on fake: delete Namespace ${AGENT_NAMESPACE}: Unauthorized (HTTP 401)`,
  });
  fake.intercept = () => ({ status: 502, body: {} });
  await assert.rejects(cluster.removeAgent(), {
    message: `could not remove the agent on fake: delete Namespace ${AGENT_NAMESPACE}: HTTP 502, with no reason given`,
  });
});

test('a request nobody answered is named with the client error', async () => {
  const closed = await closedPort();
  const kubeconfig = `${fake.kubeconfig}.closed`;
  await writeFile(
    kubeconfig,
    (await readFile(fake.kubeconfig, 'utf8')).replace(fake.url, `http://127.0.0.1:${closed}`),
  );
  await assert.rejects(KubeCluster.connect({ kubeconfig, retryForMs: 0 }).removeAgent(), (error: unknown) => {
    assert.match(
      String(error),
      new RegExp(
        `^ClusterUnavailableError: could not remove the agent on fake: delete Namespace ${AGENT_NAMESPACE}: .*ECONNREFUSED`,
        's',
      ),
    );
    return true;
  });
});

test('the error keeps the code and reason, so a caller can let a 404 or a 409 pass', async () => {
  fake.intercept = () => failure(404, 'NotFound', 'namespaces "gone" not found');
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const error = await requested({ verb: 'get', kind: 'Namespace', name: 'gone' }, () =>
    core.readNamespace({ name: 'gone' }),
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof Error);
  assert.deepEqual(
    {
      name: error.name,
      code: (error as { code?: number }).code,
      reason: (error as { reason?: string }).reason,
    },
    { name: 'ApiRequestError', code: 404, reason: 'NotFound' },
  );
  assert.equal(error.message, 'get Namespace gone: namespaces "gone" not found (NotFound, HTTP 404)');
  // Worded once: wrapping it again changes nothing.
  assert.equal(apiRequestError({ verb: 'list', kind: 'Pod' }, error), error);
});

test('requests read as a reader names them: cluster-scoped, namespaced, lists and collections', () => {
  assert.deepEqual(
    [
      requestWords({ verb: 'delete', kind: 'Namespace', name: 'npa-ns-1' }),
      requestWords({ verb: 'update', kind: 'Namespace', name: AGENT_NAMESPACE }),
      requestWords({
        verb: 'get',
        kind: 'DaemonSet',
        namespace: AGENT_NAMESPACE,
        name: 'netpol-assert-agent',
      }),
      requestWords({ verb: 'list', kind: 'NetworkPolicy' }),
      requestWords({ verb: 'deletecollection', kind: 'Pod', namespace: 'shop', labelSelector: 'a=b' }),
    ],
    [
      'delete Namespace npa-ns-1',
      `update Namespace ${AGENT_NAMESPACE}`,
      `get DaemonSet ${AGENT_NAMESPACE}/netpol-assert-agent`,
      'list NetworkPolicies',
      'deletecollection Pods in namespace shop labelled a=b',
    ],
  );
});
