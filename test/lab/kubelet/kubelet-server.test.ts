/**
 * The emulated kubelet's endpoint, on its own (no API server): the lab's certificates,
 * exec over WebSocket in v4 and v5, and what it refuses. Commands run as plain local
 * processes here; in the lab they run in a pod's network namespace.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { request } from 'node:https';
import { WebSocket } from 'ws';
import { createLabPki } from '../../../src/lab/control-plane/index.js';
import type { LabPki } from '../../../src/lab/control-plane/index.js';
import { startKubeletServer } from '../../../src/lab/kubelet/index.js';
import type { KubeletServer } from '../../../src/lab/kubelet/index.js';

interface Session {
  readonly protocol: string;
  readonly frames: Buffer[];
  readonly closeCode: number;
}

describe('the kubelet endpoint', () => {
  let folder: string;
  let pki: LabPki;
  let server: KubeletServer;
  let tls: { ca: Buffer; cert: Buffer; key: Buffer };

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'netpol-assert-kubelet-'));
    pki = await createLabPki(folder, { kubernetesServiceIp: '198.19.128.1' });
    server = await startKubeletServer({
      caCert: pki.caCert,
      serving: pki.kubelet,
      log: () => undefined,
      resolveExec: (exec) =>
        exec.pod === 'web'
          ? {
              kind: 'run',
              target: {
                file: exec.command[0] ?? '',
                args: exec.command.slice(1),
                env: { PATH: process.env.PATH ?? '' },
              },
            }
          : { kind: 'refused', code: 404, message: `pod ${exec.namespace}/${exec.pod} is not on a lab node` },
    });
    const [ca, cert, key] = await Promise.all([
      readFile(pki.caCert),
      readFile(pki.apiserverKubeletClient.cert),
      readFile(pki.apiserverKubeletClient.key),
    ]);
    tls = { ca, cert, key };
  });

  after(async () => {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  });

  const path = (command: string[], streams = 'output=1&error=1'): string =>
    `/exec/shop/web/main?${command.map((arg) => `command=${encodeURIComponent(arg)}`).join('&')}&${streams}`;

  const session = (
    target: string,
    protocols: string[],
    send: (socket: WebSocket) => void = () => undefined,
  ) =>
    new Promise<Session>((resolve, reject) => {
      const socket = new WebSocket(`wss://localhost:${server.port}${target}`, protocols, tls);
      const frames: Buffer[] = [];
      socket.on('open', () => send(socket));
      socket.on('message', (data: Buffer) => frames.push(data));
      socket.on('close', (closeCode) => resolve({ protocol: socket.protocol, frames, closeCode }));
      socket.on('error', reject);
    });

  const channel = (frames: readonly Buffer[], number: number): string =>
    frames
      .filter((frame) => frame[0] === number)
      .map((frame) => frame.subarray(1).toString())
      .join('');

  test('answers /healthz to a client with a certificate from the lab CA', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      request(`https://localhost:${server.port}/healthz`, tls, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(body, 'ok');
  });

  test('streams stdout on channel 1 and stderr on channel 2, then the status on channel 3, and closes normally', async () => {
    const result = await session(path(['sh', '-c', 'echo out; echo err >&2; exit 5']), ['v4.channel.k8s.io']);
    assert.equal(result.protocol, 'v4.channel.k8s.io');
    assert.equal(channel(result.frames, 1), 'out\n');
    assert.equal(channel(result.frames, 2), 'err\n');
    const status = JSON.parse(channel(result.frames, 3)) as {
      status: string;
      details: { causes: unknown[] };
    };
    assert.equal(status.status, 'Failure');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '5' }]);
    assert.equal(result.frames.at(-1)?.[0], 3, 'the status comes last');
    assert.equal(result.closeCode, 1000);
  });

  test('in v5, stdin flows on channel 0 until the client closes it with [255, 0]', async () => {
    const result = await session(
      path(['wc', '-c'], 'input=1&output=1'),
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
      (socket) => {
        socket.send(Buffer.from([0, ...Buffer.from('twelve bytes')]));
        socket.send(Buffer.from([255, 0]));
      },
    );
    assert.equal(result.protocol, 'v5.channel.k8s.io');
    assert.equal(channel(result.frames, 1).trim(), '12');
    assert.equal(JSON.parse(channel(result.frames, 3)).status, 'Success');
  });

  const upgradeStatus = (target: string, headers: Record<string, string>, options = tls) =>
    new Promise<{ code: number; message: string }>((resolve, reject) => {
      const upgrade = request(`https://localhost:${server.port}${target}`, {
        ...options,
        headers: { Connection: 'Upgrade', ...headers },
      });
      upgrade.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            code: response.statusCode ?? 0,
            message: (JSON.parse(text) as { message: string }).message,
          }),
        );
      });
      upgrade.on('upgrade', () => reject(new Error('upgraded')));
      upgrade.on('error', reject);
      upgrade.end();
    });

  test('refuses SPDY, a WebSocket without a served protocol, and a pod that is not there, with a Status', async () => {
    const spdy = await upgradeStatus(path(['true']), {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
    });
    assert.equal(spdy.code, 400);
    assert.match(spdy.message, /WebSocket only/);
    const websocket = {
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    };
    const old = await upgradeStatus(path(['true']), {
      ...websocket,
      'Sec-WebSocket-Protocol': 'channel.k8s.io',
    });
    assert.equal(old.code, 400);
    const missing = await upgradeStatus(path(['true']).replace('/web/', '/gone/'), {
      ...websocket,
      'Sec-WebSocket-Protocol': 'v4.channel.k8s.io',
    });
    assert.deepEqual(missing, { code: 404, message: 'pod shop/gone is not on a lab node' });
  });

  test('turns away a client whose certificate is not from the lab CA', async () => {
    const stranger = await mkdtemp(join(tmpdir(), 'netpol-assert-stranger-'));
    try {
      const other = await createLabPki(stranger, { kubernetesServiceIp: '198.19.128.1' });
      const options = {
        ca: tls.ca,
        cert: await readFile(other.admin.cert),
        key: await readFile(other.admin.key),
      };
      await assert.rejects(upgradeStatus(path(['true']), {}, options));
    } finally {
      await rm(stranger, { recursive: true, force: true });
    }
  });
});
