/**
 * Namespaces runs share (the agent's, probe namespaces) by claim: each run writes its
 * claim with the resourceVersion it read, takes it off when it ends, and deletes the
 * namespace only when no claim is left and nothing changed since. Against the fake API
 * server, which refuses a stale update or a stale deletion precondition with 409, as the
 * API server does; the races are played by writing another run's claim at the worst moment.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type { V1Namespace } from '@kubernetes/client-node';
import { KubeCluster } from '../../src/cluster/index.js';
import { claimsOf, NamespaceClaims } from '../../src/cluster/namespace-claims.js';
import { FakeApiServer } from './fake-api-server.js';
import type { ApiObject } from './fake-api-server.js';

const NAME = 'netpol-assert-system';
const CLAIM = 'netpol-assert.io/claim-';

let fake: FakeApiServer;
let core: CoreV1Api;
beforeEach(async () => {
  fake = await FakeApiServer.start();
  core = KubeCluster.connect({ kubeconfig: fake.kubeconfig }).kubeConfig.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await fake.stop();
});

const body: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAME } };
const shared = { shared: () => true, timeoutMs: 5_000 };

function stored(): ApiObject | undefined {
  return fake.objects('/api/v1/namespaces').find((ns) => ns.metadata.name === NAME);
}

function claims(): string[] {
  return claimsOf(stored() as V1Namespace).sort();
}

/** Another run's claim written straight into the store, as its update would: a new resourceVersion. */
function claimBehindTheBack(run: string): void {
  const namespace = stored();
  assert.ok(namespace, 'the namespace is there to claim');
  namespace.metadata = {
    ...namespace.metadata,
    resourceVersion: `${namespace.metadata.resourceVersion as string}0`,
    annotations: {
      ...(namespace.metadata.annotations as Record<string, string> | undefined),
      [`${CLAIM}${run}`]: 'now',
    },
  };
}

test('two runs share one namespace: the first out leaves it, the last out removes it', async () => {
  const first = new NamespaceClaims(core, 'aaaa0001');
  const second = new NamespaceClaims(core, 'bbbb0002');
  assert.equal(await first.claim(body, shared), 'created');
  assert.equal(await second.claim(body, shared), 'claimed');
  assert.deepEqual(claims(), ['aaaa0001', 'bbbb0002']);
  assert.equal(await first.release(NAME, { remove: true }), 'left');
  assert.deepEqual(claims(), ['bbbb0002']);
  assert.equal(await second.release(NAME, { remove: true }), 'removed');
  assert.equal(stored(), undefined);
});

test('kept (remove: false), a run only takes its claim off; a namespace nobody claims is removed by the next run out', async () => {
  const keeper = new NamespaceClaims(core, 'aaaa0001');
  await keeper.claim(body, shared);
  assert.equal(await keeper.release(NAME, { remove: false }), 'left');
  assert.deepEqual(claims(), []);
  const next = new NamespaceClaims(core, 'bbbb0002');
  assert.equal(await next.release(NAME, { remove: true }), 'removed');
  assert.equal(stored(), undefined);
  assert.equal(await next.release(NAME, { remove: true }), 'gone');
});

test('a claim written between the last claim coming off and the deletion stops the deletion', async () => {
  const leaving = new NamespaceClaims(core, 'aaaa0001');
  await leaving.claim(body, shared);
  let raced = false;
  fake.intercept = (request) => {
    if (request.method === 'DELETE' && !raced) {
      raced = true;
      claimBehindTheBack('cccc0003');
    }
    return undefined;
  };
  assert.equal(await leaving.release(NAME, { remove: true }), 'left');
  assert.ok(raced, 'the deletion was tried');
  assert.deepEqual(claims(), ['cccc0003']);
  const [deletion] = fake.requests.filter((r) => r.method === 'DELETE');
  assert.ok(
    (deletion?.body as { preconditions?: { resourceVersion?: string } }).preconditions?.resourceVersion,
  );
});

test('a claim that loses the race to another run (409) is written again on what that run wrote', async () => {
  await new NamespaceClaims(core, 'aaaa0001').claim(body, shared);
  let raced = false;
  fake.intercept = (request) => {
    if (request.method === 'PUT' && !raced) {
      raced = true;
      claimBehindTheBack('cccc0003');
    }
    return undefined;
  };
  assert.equal(await new NamespaceClaims(core, 'bbbb0002').claim(body, shared), 'claimed');
  assert.deepEqual(fake.calls('PUT'), [`PUT /api/v1/namespaces/${NAME}`, `PUT /api/v1/namespaces/${NAME}`]);
  assert.deepEqual(claims(), ['aaaa0001', 'bbbb0002', 'cccc0003']);
});

test('a namespace being deleted is waited out, then made anew with the claim', async () => {
  fake.seed('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAME, deletionTimestamp: '2024-01-01T00:00:00Z' },
  });
  let looks = 0;
  fake.intercept = (request) => {
    if (request.method === 'GET' && request.path === `/api/v1/namespaces/${NAME}` && ++looks === 3)
      fake.objects('/api/v1/namespaces').splice(0);
    return undefined;
  };
  assert.equal(await new NamespaceClaims(core, 'aaaa0001').claim(body, shared), 'created');
  assert.ok(looks >= 3);
  assert.equal(stored()?.metadata.deletionTimestamp, undefined);
  assert.deepEqual(claims(), ['aaaa0001']);
});

test("a namespace that is not a run's is used as it is: no claim goes on it, and no release removes it", async () => {
  fake.seed('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAME } });
  const run = new NamespaceClaims(core, 'aaaa0001');
  assert.equal(await run.claim(body, { shared: () => false, timeoutMs: 1_000 }), 'not-shared');
  assert.deepEqual(fake.calls('PUT'), []);
  assert.equal(run.holds(stored() as V1Namespace), false);
});
