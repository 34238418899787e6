/**
 * `agent respond`: the responder in the pods the runner creates on real clusters. TCP:
 * accept, send a short banner, close; on port 53, echo instead, so a probe's DNS query
 * (ProbeQuery in protocol.ts) comes back unchanged, which the probe counts as delivered.
 * UDP: echo each datagram to its sender, which is what a probe's `echo` proof waits for.
 * Pure Node, so SCTP is not offered (Node has no SCTP sockets): an SCTP destination
 * needs another responder.
 */
import { createSocket } from 'node:dgram';
import type { Socket as DatagramSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { DNS_PORT } from './protocol.js';

export interface ResponderPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

export interface RunningResponder {
  /** `tcp:8080 udp:53`, as listening. */
  readonly listening: readonly string[];
  close(): Promise<void>;
}

export const BANNER = 'netpol-assert responder\n';

export async function startResponder(
  ports: ResponderPorts,
  banner: string = BANNER,
): Promise<RunningResponder> {
  const servers: Server[] = [];
  const sockets: DatagramSocket[] = [];
  const close = async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  };
  try {
    for (const port of ports.tcp) servers.push(await listenTcp(port, banner));
    for (const port of ports.udp) sockets.push(await listenUdp(port));
  } catch (error) {
    await close();
    throw error;
  }
  const listening = [...ports.tcp.map((port) => `tcp:${port}`), ...ports.udp.map((port) => `udp:${port}`)];
  return { listening, close };
}

/** Both families on one socket where the namespace has IPv6; IPv4 alone where it has not. */
async function listenTcp(port: number, banner: string): Promise<Server> {
  const answer = port === DNS_PORT ? echo : (connection: Socket) => connection.end(banner);
  const serve = () =>
    createServer((connection) => {
      connection.on('error', () => undefined); // a prober that resets is no failure of ours
      answer(connection);
    });
  try {
    return await listen(serve(), port, '::');
  } catch (error) {
    if (!noIpv6(error)) throw error;
    return listen(serve(), port, '0.0.0.0');
  }
}

/** Everything back as it came, until the prober closes (or the idle limit: no connection lingers). */
function echo(connection: Socket): void {
  connection.setTimeout(ECHO_IDLE_MS, () => connection.destroy());
  connection.pipe(connection);
}

const ECHO_IDLE_MS = 30_000;

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function listenUdp(port: number): Promise<DatagramSocket> {
  try {
    return await bindUdp(createSocket({ type: 'udp6', ipv6Only: false }), port, '::');
  } catch (error) {
    if (!noIpv6(error)) throw error;
    return bindUdp(createSocket({ type: 'udp4' }), port, '0.0.0.0');
  }
}

function bindUdp(socket: DatagramSocket, port: number, address: string): Promise<DatagramSocket> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address }, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      socket.on('message', (message, peer) => socket.send(message, peer.port, peer.address));
      resolve(socket);
    });
  });
}

function noIpv6(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL' || code === 'EPROTONOSUPPORT';
}
