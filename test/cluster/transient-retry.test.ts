/**
 * Transient API failures are sent again with backoff, within a bound: what is retried
 * (a request that cannot have taken effect, whatever its verb; one of unknown fate only
 * when it reads), how long the waits are, and KubeCluster through a fake API server that
 * answers 503 or 429 for a while, or is not listening yet when the run starts.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, beforeEach, test } from 'node:test';
import { ClusterUnavailableError, KubeCluster, noticeText } from '../../src/cluster/index.js';
import type { ClusterNotice } from '../../src/cluster/index.js';
import { isTransient, retryDelayMs } from '../../src/cluster/transient-retry.js';
import type { TryFailure } from '../../src/cluster/transient-retry.js';
import { failure, FakeApiServer } from './fake-api-server.js';

const refused: TryFailure = { kind: 'network', code: 'ECONNREFUSED' };
const reset: TryFailure = { kind: 'network', code: 'ECONNRESET' };
const status = (code: number): TryFailure => ({ kind: 'status', status: code });

test('what is sent again: never delivered or turned away, any verb; fate unknown, reads only', () => {
  const table: [TryFailure, string, boolean][] = [
    [refused, 'GET', true],
    [refused, 'POST', true],
    [refused, 'DELETE', true],
    [reset, 'GET', true],
    [reset, 'POST', false],
    [reset, 'DELETE', false],
    [status(503), 'POST', true],
    [status(429), 'PATCH', true],
    [status(500), 'GET', true],
    [status(502), 'GET', true],
    [status(504), 'GET', true],
    [status(500), 'POST', false],
    [status(504), 'DELETE', false],
    [status(403), 'GET', false],
    [status(404), 'GET', false],
    [status(409), 'POST', false],
    [{ kind: 'network', code: 'ENOTFOUND' }, 'GET', false],
    [{ kind: 'network', code: undefined }, 'GET', false],
  ];
  for (const [failed, method, expected] of table)
    assert.equal(isTransient(failed, method, 'transient'), expected, `${JSON.stringify(failed)} ${method}`);
});

test('connection-only retries a failed connection and no answer of the server', () => {
  assert.equal(isTransient(refused, 'GET', 'connection-only'), true);
  assert.equal(isTransient(reset, 'GET', 'connection-only'), true);
  assert.equal(isTransient(status(503), 'GET', 'connection-only'), false);
  assert.equal(isTransient(status(429), 'GET', 'connection-only'), false);
});

test('waits double from 250 ms up to 4 s; a Retry-After within that is honoured', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((attempt) => retryDelayMs(attempt)),
    [250, 500, 1000, 2000, 4000, 4000, 4000],
  );
  assert.equal(retryDelayMs(1, 3), 3000);
  assert.equal(retryDelayMs(4, 1), 2000);
  assert.equal(retryDelayMs(1, 60), 4000);
});

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await FakeApiServer.start();
  fake.seed('/api/v1/namespaces', { metadata: { name: 'app' } });
});
afterEach(async () => {
  await fake.stop();
});

function connectTo(kubeconfig: string, notices: ClusterNotice[], retryForMs = 5_000): KubeCluster {
  return KubeCluster.connect({ kubeconfig, retryForMs, onNotice: (notice) => notices.push(notice) });
}

test('reads answered 503 twice are sent again and the run reads the cluster, saying it waited', async () => {
  let failing = 2;
  fake.intercept = (request) =>
    request.path === '/api/v1/nodes' && failing-- > 0
      ? failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request')
      : undefined;
  const notices: ClusterNotice[] = [];
  const snapshot = await connectTo(fake.kubeconfig, notices).snapshot();
  assert.deepEqual(
    snapshot.state.namespaces.map((ns) => ns.name),
    ['app'],
  );
  assert.equal(fake.calls('GET').filter((call) => call === 'GET /api/v1/nodes').length, 3);
  assert.deepEqual(
    notices.map(noticeText).filter((text) => text.startsWith('the API server')),
    ['the API server did not answer (HTTP 503): trying again for up to 5s'],
    'said once, however often it waited',
  );
});

test('a create answered 429 is sent again; one answered 500 is not (it may have been made)', async () => {
  const notices: ClusterNotice[] = [];
  const cluster = connectTo(fake.kubeconfig, notices);
  const namespace = { name: 'made', labels: {} };
  let shed = 1;
  fake.intercept = (request) =>
    request.method === 'POST' && shed-- > 0 ? failure(429, 'TooManyRequests', 'slow down') : undefined;
  await cluster.createRunObjects('r1', [namespace], [], 5_000, 'agent:test');
  assert.deepEqual(fake.calls('POST'), ['POST /api/v1/namespaces', 'POST /api/v1/namespaces']);
  assert.ok(fake.objects('/api/v1/namespaces').some((ns) => ns.metadata.name === 'made'));

  fake.requests.length = 0;
  fake.intercept = (request) =>
    request.method === 'POST' ? failure(500, 'InternalError', 'etcdserver: request timed out') : undefined;
  await assert.rejects(
    cluster.createRunObjects('r2', [{ name: 'other', labels: {} }], [], 5_000, 'agent:test'),
    (error: unknown) => error instanceof ClusterUnavailableError && /etcdserver/.test(error.message),
  );
  assert.deepEqual(fake.calls('POST'), ['POST /api/v1/namespaces'], 'sent once');
});

test('an API server that is not listening yet: refused connections are tried again until it is', async () => {
  const port = await closedPort();
  const kubeconfig = `${fake.kubeconfig}.later`;
  await writeFile(
    kubeconfig,
    (await readFile(fake.kubeconfig, 'utf8')).replace(fake.url, `http://127.0.0.1:${port}`),
  );
  // It comes up 700 ms after the run starts: a forwarder to the fake on the port that was closed.
  let forwarder: Server | undefined;
  const opening = new Promise<void>((resolve) =>
    setTimeout(() => {
      forwarder = forwardTo(new URL(fake.url).port, port);
      forwarder.once('listening', () => resolve());
    }, 700),
  );
  const notices: ClusterNotice[] = [];
  try {
    const snapshot = await connectTo(kubeconfig, notices).snapshot();
    assert.deepEqual(
      snapshot.state.namespaces.map((ns) => ns.name),
      ['app'],
    );
    assert.match(noticeText(notices[0] ?? { kind: 'note', message: '' }), /ECONNREFUSED/);
  } finally {
    await opening;
    forwarder?.close();
  }
});

test('an outage longer than the bound ends in the failure, after about the bound', async () => {
  fake.intercept = () => failure(503, 'ServiceUnavailable', 'shutting down');
  const started = Date.now();
  await assert.rejects(connectTo(fake.kubeconfig, [], 1_000).snapshot(), ClusterUnavailableError);
  const took = Date.now() - started;
  assert.ok(took >= 700 && took < 3_000, `gave up after ${took} ms`);
});

function forwardTo(targetPort: string, port: number): Server {
  const server = createServer((socket) => {
    const upstream = connect(Number(targetPort), '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  server.listen(port, '127.0.0.1');
  return server;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
