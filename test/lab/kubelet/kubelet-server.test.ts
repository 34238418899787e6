/**
 * The emulated kubelet's endpoint, on its own (no API server): the lab's certificates,
 * exec over WebSocket in v4 and v5 and over SPDY/3.1 (v4), and what it refuses. Commands
 * run as plain local processes here; in the lab they run in a pod's network namespace.
 * The SPDY client here is built from the same framing code; kubectl 1.28 through a real
 * API server is the lab test's (test/lab/control-plane.test.ts).
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
import type { Duplex } from 'node:stream';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  HeaderCodec,
  startKubeletServer,
  streamIdOf,
  synStreamPayload,
} from '../../../src/lab/kubelet/index.js';
import type { Frame, KubeletServer } from '../../../src/lab/kubelet/index.js';

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

  interface SpdySession {
    readonly response: { status: number; protocol: string };
    readonly replies: number[];
    /** Data per stream type, in order, and whether each was closed (FIN). */
    readonly data: Record<string, string>;
    readonly fin: Record<string, boolean>;
    readonly goaway: boolean;
  }

  /** A SPDY client as kubectl's: upgrade, open error/stdin/stdout/stderr streams in turn, send stdin, read to the end. */
  const spdySession = (target: string, types: readonly string[], stdin?: string) =>
    new Promise<SpdySession>((resolve, reject) => {
      const upgrade = request(`https://localhost:${server.port}${target}`, {
        ...tls,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'SPDY/3.1',
          'X-Stream-Protocol-Version': 'v4.channel.k8s.io, v3.channel.k8s.io',
        },
      });
      upgrade.on('error', reject);
      upgrade.on('response', (response) => reject(new Error(`no upgrade: HTTP ${response.statusCode}`)));
      upgrade.on('upgrade', (response, socket: Duplex, head: Buffer) => {
        const codec = new HeaderCodec();
        const reader = new FrameReader();
        const idOf = new Map(types.map((type, index) => [type, 1 + 2 * index]));
        const typeOf = new Map([...idOf].map(([type, id]) => [id, type]));
        const session: SpdySession = {
          response: {
            status: response.statusCode ?? 0,
            protocol: String(response.headers['x-stream-protocol-version']),
          },
          replies: [],
          data: {},
          fin: {},
          goaway: false,
        };
        let goaway = false;
        const take = (frame: Frame): void => {
          if (frame.kind === 'data') {
            const type = typeOf.get(frame.streamId) ?? '?';
            session.data[type] = (session.data[type] ?? '') + frame.payload.toString();
            if ((frame.flags & FLAG_FIN) !== 0) session.fin[type] = true;
          } else if (frame.type === FrameType.synReply) session.replies.push(streamIdOf(frame.payload));
          else if (frame.type === FrameType.goaway) goaway = true;
        };
        socket.on('data', (bytes: Buffer) => reader.push(bytes).forEach(take));
        socket.on('close', () => {
          codec.close();
          resolve({ ...session, goaway });
        });
        if (head.length > 0) reader.push(head).forEach(take);
        void (async () => {
          for (const [type, id] of idOf) {
            const headers = await codec.encode({ streamtype: type });
            socket.write(controlFrame(FrameType.synStream, synStreamPayload(id, headers)));
          }
          const stdinId = idOf.get('stdin');
          if (stdinId !== undefined && stdin !== undefined) {
            socket.write(dataFrame(stdinId, Buffer.from(stdin)));
            socket.write(dataFrame(stdinId, Buffer.alloc(0), FLAG_FIN));
          }
        })();
      });
      upgrade.end();
    });

  test('over SPDY/3.1 (kubectl before 1.30) it replies to every stream, streams stdout and stderr, and ends with the status', async () => {
    const result = await spdySession(path(['sh', '-c', 'echo out; echo err >&2; exit 5']), [
      'error',
      'stdout',
      'stderr',
    ]);
    assert.deepEqual(result.response, { status: 101, protocol: 'v4.channel.k8s.io' });
    assert.deepEqual(result.replies, [1, 3, 5], 'one SYN_REPLY per stream');
    assert.equal(result.data.stdout, 'out\n');
    assert.equal(result.data.stderr, 'err\n');
    const status = JSON.parse(result.data.error ?? '{}') as {
      status: string;
      details: { causes: unknown[] };
    };
    assert.equal(status.status, 'Failure');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '5' }]);
    assert.deepEqual(result.fin, { stdout: true, stderr: true, error: true });
    assert.equal(result.goaway, true);
  });

  test('over SPDY/3.1 stdin flows until the client closes its stream', async () => {
    const result = await spdySession(
      path(['wc', '-c'], 'input=1&output=1'),
      ['error', 'stdin', 'stdout'],
      'twelve bytes',
    );
    assert.equal(result.data.stdout?.trim(), '12');
    assert.equal((JSON.parse(result.data.error ?? '{}') as { status: string }).status, 'Success');
  });

  test('refuses SPDY without the v4 protocol, a WebSocket without a served protocol, and a pod that is not there, with a Status', async () => {
    const spdy = await upgradeStatus(path(['true']), {
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'v3.channel.k8s.io, v2.channel.k8s.io',
    });
    assert.equal(spdy.code, 400);
    assert.match(spdy.message, /no supported stream protocol offered \(v4\.channel\.k8s\.io\)/);
    const http2 = await upgradeStatus(path(['true']), { Upgrade: 'h2c' });
    assert.equal(http2.code, 400);
    assert.match(http2.message, /WebSocket or SPDY\/3\.1, not h2c/);
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
