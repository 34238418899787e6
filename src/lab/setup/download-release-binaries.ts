/**
 * Downloads official Kubernetes release binaries into a cache folder, checking each one
 * against the `.sha256` file published beside it. The layout is dl.k8s.io's:
 * `<base>/v<version>/bin/linux/<arch>/<name>` and `<name>.sha256` holding the hex digest.
 * A file reaches the cache only whole and verified (written to a temporary name, then
 * renamed), so a file found there is reused without asking the network again.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isExecutable } from '../host/index.js';

export const DEFAULT_K8S_BASE_URL = 'https://dl.k8s.io/release';

/** Why a download failed; `unreachable` covers DNS, refused connections and silence past the time limit. */
export type ReleaseDownloadProblem =
  'unreachable' | 'http-status' | 'bad-checksum-file' | 'checksum-mismatch';

export class ReleaseDownloadFailed extends Error {
  constructor(
    readonly problem: ReleaseDownloadProblem,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReleaseDownloadFailed';
  }
}

export interface ReleaseDownloadOptions {
  /** Without the leading `v`, e.g. `1.28.7`. */
  readonly version: string;
  /** e.g. `https://dl.k8s.io/release`; a trailing slash is ignored. */
  readonly baseUrl: string;
  /** Kubernetes' name for the architecture (`amd64`, `arm64`); see releaseArch. */
  readonly arch: string;
  readonly binDir: string;
  readonly names: readonly string[];
  /** Longest wait for a response to start (connection included): offline machines fail fast. */
  readonly connectTimeoutMs?: number;
  /** Longest pause while a body arrives. */
  readonly idleTimeoutMs?: number;
  /** One line per file fetched. */
  readonly progress?: (line: string) => void;
}

export interface ReleaseDownloadResult {
  /** Paths written by this call. */
  readonly downloaded: readonly string[];
  /** Paths already in the cache, not fetched again. */
  readonly reused: readonly string[];
}

/** Kubernetes' architecture name for a Node.js `process.arch`; undefined where Kubernetes publishes none. */
export function releaseArch(nodeArch: string = process.arch): string | undefined {
  const names: Readonly<Record<string, string>> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
  };
  return names[nodeArch];
}

export function releaseUrl(baseUrl: string, version: string, arch: string, name: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v${version}/bin/linux/${arch}/${name}`;
}

export async function downloadReleaseBinaries(
  options: ReleaseDownloadOptions,
): Promise<ReleaseDownloadResult> {
  const downloaded: string[] = [];
  const reused: string[] = [];
  await mkdir(options.binDir, { recursive: true });
  for (const name of options.names) {
    const target = join(options.binDir, name);
    if (await isExecutable(target)) {
      reused.push(target);
      continue;
    }
    const url = releaseUrl(options.baseUrl, options.version, options.arch, name);
    options.progress?.(`fetching ${url}`);
    const expected = await fetchChecksum(`${url}.sha256`, options);
    await fetchVerified(url, expected, target, options);
    downloaded.push(target);
  }
  return { downloaded, reused };
}

async function fetchChecksum(url: string, options: ReleaseDownloadOptions): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await openBody(url, options)) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  // dl.k8s.io publishes the bare digest; `sha256sum` output (digest, then name) is accepted too.
  const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new ReleaseDownloadFailed(
      'bad-checksum-file',
      url,
      `${url} holds no sha256 digest: ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return digest;
}

async function fetchVerified(
  url: string,
  expected: string,
  target: string,
  options: ReleaseDownloadOptions,
): Promise<void> {
  const partial = `${target}.partial-${process.pid}`;
  const hash = createHash('sha256');
  try {
    const file = await open(partial, 'w', 0o600);
    try {
      for await (const chunk of await openBody(url, options)) {
        hash.update(chunk);
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new ReleaseDownloadFailed(
        'checksum-mismatch',
        url,
        `${url} does not match its published checksum (expected sha256 ${expected}, got ${actual}); refused, nothing kept`,
      );
    }
    await chmod(partial, 0o755);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * GET `url` and return its body as chunks. The first time limit covers connecting and the
 * response headers; the second, any pause in the body. Either ends in `unreachable`.
 */
async function openBody(url: string, options: ReleaseDownloadOptions): Promise<AsyncIterable<Uint8Array>> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
  } catch (error) {
    clearTimeout(timer);
    const why = controller.signal.aborted
      ? `no response within ${connectTimeoutMs / 1000} s`
      : causeOf(error);
    throw new ReleaseDownloadFailed('unreachable', url, `cannot reach ${url}: ${why}`, { cause: error });
  }
  clearTimeout(timer);
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new ReleaseDownloadFailed(
      'http-status',
      url,
      `${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  const body = response.body;
  return (async function* chunks(): AsyncGenerator<Uint8Array> {
    timer = setTimeout(() => controller.abort(), idleTimeoutMs);
    try {
      for await (const chunk of body) {
        timer.refresh();
        yield chunk;
      }
    } catch (error) {
      const why = controller.signal.aborted ? `stalled for ${idleTimeoutMs / 1000} s` : causeOf(error);
      throw new ReleaseDownloadFailed('unreachable', url, `download of ${url} broke off: ${why}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  })();
}

/** fetch() says "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED) is in its cause. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
