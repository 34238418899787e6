/**
 * Downloading the official Kubernetes binaries, against a loopback server in dl.k8s.io's
 * layout. It serves the real v1.28.7 binaries from ../shared where that folder exists, and
 * small files made here otherwise, so the download path is always tested. No root needed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  downloadReleaseBinaries,
  releaseArch,
  releaseUrl,
  ReleaseDownloadFailed,
} from '../../../src/lab/setup/index.js';
import type { ReleaseFile, ReleaseServer } from './release-server.js';
import { serveRelease, sha256OfFile } from './release-server.js';
import {
  hasSharedRelease,
  SHARED_RELEASE_ARCH,
  SHARED_RELEASE_VERSION,
  unpackSharedRelease,
} from './shared-release.js';

const VERSION = SHARED_RELEASE_VERSION;
const ARCH = SHARED_RELEASE_ARCH;
const NAMES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

let root: string;
let files: ReleaseFile[];
let source: 'the v1.28.7 binaries from ../shared' | 'small files made by the test';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'netpol-assert-download-'));
  if (await hasSharedRelease()) {
    files = await unpackSharedRelease(root);
    source = 'the v1.28.7 binaries from ../shared';
  } else {
    files = [];
    for (const name of NAMES) {
      const path = join(root, name);
      await writeFile(path, `#!/bin/sh\necho "${name} stand-in"\n`);
      files.push({ name, path });
    }
    source = 'small files made by the test';
  }
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const options = (baseUrl: string, binDir: string, names: readonly string[] = NAMES) => ({
  version: VERSION,
  arch: ARCH,
  baseUrl,
  binDir,
  names,
});

test('release URLs follow the official layout, and Node.js architectures map to Kubernetes names', () => {
  assert.equal(
    releaseUrl('https://dl.k8s.io/release/', '1.28.7', 'amd64', 'kube-apiserver'),
    'https://dl.k8s.io/release/v1.28.7/bin/linux/amd64/kube-apiserver',
  );
  assert.equal(releaseArch('x64'), 'amd64');
  assert.equal(releaseArch('arm64'), 'arm64');
  assert.equal(releaseArch('ia32'), undefined);
});

describe('from a loopback release server', () => {
  let server: ReleaseServer;
  let binDir: string;

  before(async () => {
    server = await serveRelease(VERSION, ARCH, files);
    binDir = join(root, 'cache', `k8s-${VERSION}`, 'bin');
  });
  after(() => server.close());

  test('every binary lands in the cache, mode 0755, with the bytes served', async (t) => {
    t.diagnostic(`serving ${source}`);
    assert.equal(files.length, 3);
    const result = await downloadReleaseBinaries(options(server.baseUrl, binDir));
    assert.deepEqual(
      result.downloaded,
      NAMES.map((name) => join(binDir, name)),
    );
    assert.deepEqual(result.reused, []);
    assert.deepEqual((await readdir(binDir)).sort(), NAMES, 'no temporary file is left beside them');
    for (const file of files) {
      const installed = join(binDir, file.name);
      assert.equal((await stat(installed)).mode & 0o777, 0o755, installed);
      assert.equal(await sha256OfFile(installed), file.sha256 ?? (await sha256OfFile(file.path)), installed);
    }
    assert.equal(server.requests.length, 6, 'a .sha256 and a binary per file');
  });

  test('a second call reuses the cache and sends the server no request', async () => {
    const before = server.requests.length;
    assert.ok(before > 0, 'the first download ran');
    const result = await downloadReleaseBinaries(options(server.baseUrl, binDir));
    assert.equal(result.reused.length, 3);
    assert.deepEqual(result.downloaded, []);
    assert.equal(server.requests.length, before);
  });

  test('a file the server does not have is reported with its URL and the HTTP status', async () => {
    const empty = join(root, 'for-404');
    await assert.rejects(
      downloadReleaseBinaries(options(server.baseUrl, empty, ['kube-proxy'])),
      (error: unknown) => {
        assert.ok(error instanceof ReleaseDownloadFailed);
        assert.equal(error.problem, 'http-status');
        assert.match(error.message, /\/v1\.28\.7\/bin\/linux\/amd64\/kube-proxy\.sha256 answered HTTP 404/);
        return true;
      },
    );
    assert.deepEqual(await readdir(empty), []);
  });
});

test('a binary whose bytes do not match its .sha256 is refused, naming both digests, and not kept', async () => {
  const genuine = files[2];
  assert.ok(genuine !== undefined);
  const expected = await sha256OfFile(genuine.path);
  const corrupted = join(root, 'corrupted');
  await writeFile(corrupted, 'these are not the bytes of kube-scheduler\n');
  const actual = await sha256OfFile(corrupted);
  const server = await serveRelease(VERSION, ARCH, [
    { name: genuine.name, path: corrupted, sha256: expected },
  ]);
  const binDir = join(root, 'cache-corrupted');
  try {
    await assert.rejects(
      downloadReleaseBinaries(options(server.baseUrl, binDir, [genuine.name])),
      (error: unknown) => {
        assert.ok(error instanceof ReleaseDownloadFailed);
        assert.equal(error.problem, 'checksum-mismatch');
        assert.match(error.message, new RegExp(`expected sha256 ${expected}, got ${actual}`));
        assert.match(error.message, /kube-scheduler does not match its published checksum/);
        return true;
      },
    );
    assert.deepEqual(await readdir(binDir), [], 'neither the binary nor a partial file stays');
  } finally {
    await server.close();
  }
});

test('a base URL on a closed port fails at once as unreachable', async () => {
  const port = await closedPort();
  const started = Date.now();
  await assert.rejects(
    downloadReleaseBinaries(options(`http://127.0.0.1:${port}/release`, join(root, 'cache-closed'))),
    (error: unknown) => {
      assert.ok(error instanceof ReleaseDownloadFailed);
      assert.equal(error.problem, 'unreachable');
      assert.match(error.message, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}/.*ECONNREFUSED`));
      return true;
    },
  );
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
});

test('a server that accepts but never answers is given up after the connect time limit', async () => {
  const held = new Set<Socket>();
  const silent = createServer((socket) => held.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  const started = Date.now();
  try {
    await assert.rejects(
      downloadReleaseBinaries({
        ...options(`http://127.0.0.1:${port}/release`, join(root, 'cache-silent')),
        connectTimeoutMs: 300,
      }),
      (error: unknown) => {
        assert.ok(error instanceof ReleaseDownloadFailed);
        assert.equal(error.problem, 'unreachable');
        assert.match(error.message, /no response within 0\.3 s/);
        return true;
      },
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 2_000, `took ${elapsed} ms`);
  } finally {
    for (const socket of held) socket.destroy();
    await closeServer(silent);
  }
});

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
