/**
 * The emulated kubelet's HTTPS endpoint, one for every lab node, on 127.0.0.1: it
 * answers /healthz and serves `exec` for kube-apiserver, which presents its
 * kubelet-client certificate (anything not signed by the lab's CA is turned away at the
 * TLS handshake). kube-apiserver passes the client's upgrade on as it came: WebSocket
 * from client-node and kubectl 1.30+, SPDY/3.1 from older kubectl; both are served.
 * Logs, attach and port-forward are refused with a Status.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { CertificateFiles } from '../control-plane/index.js';
import { parseExecRequest } from './exec-request.js';
import type { ExecRequest } from './exec-request.js';
import { runExec, webSocketTransport } from './exec-session.js';
import type { ExecTarget, ExecTransport } from './exec-session.js';
import {
  acceptSpdyExec,
  offeredSpdyProtocols,
  SPDY_STREAM_PROTOCOL,
  SPDY_UPGRADE,
} from './spdy-exec-session.js';
import { chooseStreamProtocol, offeredProtocols, STREAM_PROTOCOLS } from './stream-protocol.js';
import type { StreamProtocol } from './stream-protocol.js';
import { assertNever } from '../../shared/index.js';

export type ExecResolution =
  | { readonly kind: 'run'; readonly target: ExecTarget }
  | { readonly kind: 'refused'; readonly code: 404 | 409 | 503; readonly message: string };

export interface KubeletServerOptions {
  readonly caCert: string;
  readonly serving: CertificateFiles;
  /** Where (and how) a command for this pod and container runs, or why it cannot. */
  readonly resolveExec: (request: ExecRequest) => ExecResolution;
  readonly log: (message: string) => void;
}

export interface KubeletServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startKubeletServer(options: KubeletServerOptions): Promise<KubeletServer> {
  const [ca, cert, key] = await Promise.all([
    readFile(options.caCert),
    readFile(options.serving.cert),
    readFile(options.serving.key),
  ]);
  const server = createServer(
    { ca, cert, key, requestCert: true, rejectUnauthorized: true },
    (request, response) => {
      if (request.url === '/healthz') {
        response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      const code = request.url?.startsWith('/exec/') ? 400 : 404;
      const message =
        code === 400
          ? `exec needs an upgrade to WebSocket or ${SPDY_UPGRADE}`
          : `the lab's kubelet does not serve ${request.url}`;
      response
        .writeHead(code, { 'Content-Type': 'application/json' })
        .end(JSON.stringify(failureStatus(code, message)));
    },
  );
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    upgradeToExec(sockets, options, request, socket, head),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('kubelet server has no TCP address');
  return {
    port: address.port,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** How the client asked to stream an exec, or why the kubelet cannot serve it. */
type ExecUpgrade =
  | { readonly kind: 'websocket'; readonly protocol: StreamProtocol }
  | { readonly kind: 'spdy'; readonly protocol: typeof SPDY_STREAM_PROTOCOL }
  | { readonly kind: 'refused'; readonly message: string };

function chooseUpgrade(headers: IncomingMessage['headers']): ExecUpgrade {
  const upgrade = headers.upgrade?.toLowerCase();
  if (upgrade === 'websocket') {
    const protocol = chooseStreamProtocol(offeredProtocols(headers['sec-websocket-protocol']));
    return protocol === undefined
      ? { kind: 'refused', message: `no supported stream protocol offered (${STREAM_PROTOCOLS.join(', ')})` }
      : { kind: 'websocket', protocol };
  }
  if (upgrade === SPDY_UPGRADE.toLowerCase()) {
    const offered = offeredSpdyProtocols(headers['x-stream-protocol-version']);
    return offered.includes(SPDY_STREAM_PROTOCOL)
      ? { kind: 'spdy', protocol: SPDY_STREAM_PROTOCOL }
      : { kind: 'refused', message: `no supported stream protocol offered (${SPDY_STREAM_PROTOCOL})` };
  }
  return {
    kind: 'refused',
    message: `the lab's kubelet serves exec over WebSocket or ${SPDY_UPGRADE}, not ${upgrade}`,
  };
}

function upgradeToExec(
  sockets: WebSocketServer,
  options: KubeletServerOptions,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const refuse = (code: number, message: string): void => rejectUpgrade(socket, code, message);
  const parsed = parseExecRequest(new URL(request.url ?? '/', 'https://kubelet'));
  const upgrade = chooseUpgrade(request.headers);
  if (upgrade.kind === 'refused') return refuse(400, upgrade.message);
  if (parsed.kind === 'invalid') return refuse(400, parsed.message);
  const resolution = options.resolveExec(parsed.request);
  if (resolution.kind === 'refused') return refuse(resolution.code, resolution.message);
  const { namespace, pod, command } = parsed.request;
  const what = `exec ${namespace}/${pod} ${JSON.stringify(command)} over ${upgrade.kind} ${upgrade.protocol}`;
  const run = (transport: ExecTransport): void => {
    runExec(transport, parsed.request, resolution.target).then(
      (outcome) => options.log(`${what}: ${JSON.stringify(outcome)}`),
      (error: unknown) => options.log(`${what} failed: ${String(error)}`),
    );
  };
  switch (upgrade.kind) {
    case 'websocket':
      sockets.handleUpgrade(request, socket, head, (webSocket) =>
        run(webSocketTransport(webSocket, upgrade.protocol)),
      );
      return;
    case 'spdy':
      acceptSpdyExec(socket, head, parsed.request).then(run, (error: unknown) =>
        options.log(`${what} failed: ${String(error)}`),
      );
      return;
    default:
      return assertNever(upgrade);
  }
}

function rejectUpgrade(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify(failureStatus(code, message));
  const reason =
    { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 503: 'Service Unavailable' }[code] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function failureStatus(code: number, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
}
