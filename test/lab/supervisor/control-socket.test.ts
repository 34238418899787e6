/** The supervisor's control socket: one JSON request, one JSON answer, over a Unix socket. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { askSupervisor } from '../../../src/lab/supervisor/index.js';
import { serveControlSocket } from '../../../src/lab/supervisor/control-socket.js';

test('requests reach the handler and its answers (and its failures) come back', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'netpol-assert-socket-'));
  const path = join(folder, 'supervisor.sock');
  const server = await serveControlSocket(path, async (request) => {
    if (request.op === 'status') return { ok: true };
    if (request.op === 'apply-external-hosts') throw new Error(`cannot make ${request.hosts.length} hosts`);
    return { ok: false, error: `asked ${JSON.stringify(request)}` };
  });
  try {
    assert.deepEqual(await askSupervisor(path, { op: 'status' }, 5_000), { ok: true });
    const hosts = [{ name: 'partner', address: '203.0.113.1', ports: [] }];
    assert.deepEqual(await askSupervisor(path, { op: 'apply-external-hosts', hosts }, 5_000), {
      ok: false,
      error: 'cannot make 1 hosts',
    });
    // The faults a test injects: a node's kubelet, the API server for a while (five minutes at most).
    assert.deepEqual(await askSupervisor(path, { op: 'stop-kubelet', node: 'lab-node-1' }, 5_000), {
      ok: false,
      error: 'asked {"op":"stop-kubelet","node":"lab-node-1"}',
    });
    assert.deepEqual(await askSupervisor(path, { op: 'restart-apiserver', downSeconds: 10 }, 5_000), {
      ok: false,
      error: 'asked {"op":"restart-apiserver","downSeconds":10}',
    });
    assert.deepEqual(await askSupervisor(path, { op: 'restart-apiserver', downSeconds: 301 }, 5_000), {
      ok: false,
      error: 'unknown request',
    });
  } finally {
    await server.close();
    await rm(folder, { recursive: true, force: true });
  }
  await assert.rejects(askSupervisor(path, { op: 'status' }, 5_000), /ENOENT/);
});
