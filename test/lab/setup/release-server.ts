/**
 * A loopback stand-in for dl.k8s.io: serves files in the official release layout
 * (`/v<version>/bin/linux/<arch>/<name>` and `<name>.sha256`) on 127.0.0.1, records every
 * request, and can serve a body that does not match its checksum.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';

export interface ReleaseFile {
  readonly name: string;
  /** The file served as the binary. */
  readonly path: string;
  /** The digest served in `<name>.sha256`; by default the file's own. */
  readonly sha256?: string;
}

export interface ReleaseServer {
  /** The base URL to download from, e.g. `http://127.0.0.1:40123/release`. */
  readonly baseUrl: string;
  /** Request paths in arrival order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Serves `files` for one version and architecture; anything else is a 404. */
export async function serveRelease(
  version: string,
  arch: string,
  files: readonly ReleaseFile[],
): Promise<ReleaseServer> {
  const prefix = `/release/v${version}/bin/linux/${arch}/`;
  const digests = new Map<string, string>();
  for (const file of files) digests.set(file.name, file.sha256 ?? (await sha256OfFile(file.path)));
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    const file = files.find((candidate) => candidate.name === name.replace(/\.sha256$/, ''));
    if (file === undefined) {
      response.writeHead(404, 'Not Found').end('not found\n');
    } else if (name.endsWith('.sha256')) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(digests.get(file.name));
    } else {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(file.path).pipe(response);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/release`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** Digests from a `sha256sum` listing (`<digest>  <name>` per line), by file name. */
export async function readSha256Sums(path: string): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const [digest, name] = line.trim().split(/\s+\*?/);
    if (digest !== undefined && name !== undefined) sums.set(basename(name), digest);
  }
  return sums;
}
