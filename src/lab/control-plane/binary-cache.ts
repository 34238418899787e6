/**
 * The cache of control-plane binaries that `npm run setup:lab` fills, outside the repository:
 * `${NETPOL_ASSERT_CACHE:-~/.cache/netpol-assert}/k8s-<version>/bin`. Two releases can be
 * there: the official v1.28.7 binaries (downloaded) and Debian's 1.20.2 build (built from
 * its source package where the download is impossible). The lab prefers the newer one.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isExecutable } from '../host/index.js';

/** The official release `setup:lab` downloads. */
export const RELEASE_KUBERNETES_VERSION = '1.28.7';
/** Debian bookworm's `kubernetes` source package, built where the download fails. */
export const DEBIAN_KUBERNETES_VERSION = '1.20.2';
/** The versions the cache may hold, in the order the lab prefers them. */
export const CACHED_KUBERNETES_VERSIONS = [RELEASE_KUBERNETES_VERSION, DEBIAN_KUBERNETES_VERSION] as const;
export type CachedKubernetesVersion = (typeof CACHED_KUBERNETES_VERSIONS)[number];

/** What a cache folder must hold to count as complete (etcd comes from Debian, linked beside them). */
export const KUBERNETES_BINARY_NAMES = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
] as const;
export type KubernetesBinaryName = (typeof KUBERNETES_BINARY_NAMES)[number];

type Env = Readonly<Record<string, string | undefined>>;

/** `$NETPOL_ASSERT_CACHE`, else `~/.cache/netpol-assert`. */
export function cacheRoot(env: Env): string {
  return env.NETPOL_ASSERT_CACHE ?? join(env.HOME ?? homedir(), '.cache', 'netpol-assert');
}

/** The bin folder of one cached version. */
export function binaryCacheDir(env: Env, version: CachedKubernetesVersion): string {
  return join(cacheRoot(env), `k8s-${version}`, 'bin');
}

/** Whether a cache folder holds every one of KUBERNETES_BINARY_NAMES, executable. */
export async function isCompleteBinaryCache(binDir: string): Promise<boolean> {
  const present = await Promise.all(KUBERNETES_BINARY_NAMES.map((name) => isExecutable(join(binDir, name))));
  return present.every(Boolean);
}
