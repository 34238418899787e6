/**
 * The Kubernetes v1.28.7 binaries kept beside the repository in `../shared/k8s/v1.28.7/linux-amd64`
 * (xz-compressed, with SHA256SUMS), where that folder exists: unpacked into a folder of the
 * caller's, ready for serveRelease.
 */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ReleaseFile } from './release-server.js';
import { readSha256Sums } from './release-server.js';

export const SHARED_RELEASE_VERSION = '1.28.7';
export const SHARED_RELEASE_ARCH = 'amd64';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const sharedReleaseDir = join(
  repositoryRoot,
  '..',
  'shared',
  'k8s',
  `v${SHARED_RELEASE_VERSION}`,
  `linux-${SHARED_RELEASE_ARCH}`,
);

export async function hasSharedRelease(): Promise<boolean> {
  return access(join(sharedReleaseDir, 'SHA256SUMS')).then(
    () => true,
    () => false,
  );
}

/** Decompresses every `<name>.xz` listed in SHA256SUMS into `into`; the digests come from SHA256SUMS. */
export async function unpackSharedRelease(into: string): Promise<ReleaseFile[]> {
  const sums = await readSha256Sums(join(sharedReleaseDir, 'SHA256SUMS'));
  const packed = new Set(await readdir(sharedReleaseDir));
  const listed = [...sums].filter(([name]) => packed.has(`${name}.xz`));
  return Promise.all(
    listed.map(async ([name, sha256]) => {
      const path = join(into, name);
      await execa('xz', ['--decompress', '--stdout', join(sharedReleaseDir, `${name}.xz`)], {
        stdout: { file: path },
        stdin: 'ignore',
      });
      return { name, path, sha256 };
    }),
  );
}
