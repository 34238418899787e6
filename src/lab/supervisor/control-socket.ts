/**
 * The supervisor's control socket (a Unix socket in the lab's state folder, nothing on
 * the network): one JSON request per connection, one JSON answer. `lab apply` hands it
 * the outside hosts (they go to the data plane, not to the API); `lab status` asks it
 * what the data plane made.
 */
import { createConnection, createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import type { DataPlaneStatus, DesiredExternalHost } from '../data-plane/index.js';

export type SupervisorRequest =
  | { readonly op: 'status' }
  | { readonly op: 'apply-external-hosts'; readonly hosts: readonly DesiredExternalHost[] }
  // Faults, for tests of what a run does when part of the cluster fails:
  /** Node `node`'s kubelet stops for good (the node goes NotReady); answered once it has. */
  | { readonly op: 'stop-kubelet'; readonly node: string }
  /** kube-apiserver stops, and starts again after `downSeconds`; answered once it is ready again. */
  | { readonly op: 'restart-apiserver'; readonly downSeconds: number };

export type SupervisorAnswer =
  { readonly ok: true; readonly status?: DataPlaneStatus } | { readonly ok: false; readonly error: string };

export interface ControlServer {
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1 << 20;
/** A restart that keeps the API server away longer is a lab that is down, not a fault to recover from. */
const MAX_DOWN_SECONDS = 300;

export async function serveControlSocket(
  path: string,
  handle: (request: SupervisorRequest) => Promise<SupervisorAnswer>,
): Promise<ControlServer> {
  await rm(path, { force: true });
  const server = createServer((connection) => {
    let text = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REQUEST_BYTES) connection.destroy();
      if (!text.includes('\n')) return;
      connection.pause();
      answer(text.slice(0, text.indexOf('\n')), handle).then(
        (reply) => connection.end(JSON.stringify(reply) + '\n'),
        () => connection.destroy(),
      );
    });
    connection.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(path, { force: true });
    },
  };
}

async function answer(
  line: string,
  handle: (request: SupervisorRequest) => Promise<SupervisorAnswer>,
): Promise<SupervisorAnswer> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { ok: false, error: 'the request is not JSON' };
  }
  if (!isRequest(request)) return { ok: false, error: 'unknown request' };
  try {
    return await handle(request);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function isRequest(value: unknown): value is SupervisorRequest {
  if (typeof value !== 'object' || value === null || !('op' in value)) return false;
  if (value.op === 'status') return true;
  if (value.op === 'stop-kubelet') return 'node' in value && typeof value.node === 'string';
  if (value.op === 'restart-apiserver')
    return (
      'downSeconds' in value &&
      typeof value.downSeconds === 'number' &&
      value.downSeconds >= 0 &&
      value.downSeconds <= MAX_DOWN_SECONDS
    );
  return value.op === 'apply-external-hosts' && 'hosts' in value && Array.isArray(value.hosts);
}

/** Ask the supervisor; rejects when it does not answer within `timeoutMs`. */
export function askSupervisor(
  path: string,
  request: SupervisorRequest,
  timeoutMs: number,
): Promise<SupervisorAnswer> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(path);
    let text = '';
    const timer = setTimeout(
      () => connection.destroy(new Error(`the lab's supervisor did not answer within ${timeoutMs / 1000}s`)),
      timeoutMs,
    );
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(JSON.stringify(request) + '\n'));
    connection.on('data', (chunk: string) => (text += chunk));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    connection.on('end', () => {
      clearTimeout(timer);
      const reply = parseAnswer(text);
      if (reply === undefined)
        reject(new Error(`the lab's supervisor gave no answer: ${text.slice(0, 200)}`));
      else resolve(reply);
    });
  });
}

function parseAnswer(text: string): SupervisorAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || !('ok' in value)) return undefined;
    if (value.ok === true) return value as SupervisorAnswer;
    return 'error' in value && typeof value.error === 'string'
      ? { ok: false, error: value.error }
      : undefined;
  } catch {
    return undefined;
  }
}
