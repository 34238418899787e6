/**
 * Where the control-plane binaries are: `--k8s-bin DIR`, then `$KUBEBUILDER_ASSETS`
 * (envtest's convention), then PATH, then the cache `npm run setup:lab` fills (1.28.7 first,
 * then 1.20.2).
 * etcd and kube-apiserver are required; the controller manager and scheduler are optional
 * (the lab then binds pods itself and skips service-account tokens).
 */
import { delimiter, join } from 'node:path';
import { isExecutable } from '../host/index.js';
import { binaryCacheDir, CACHED_KUBERNETES_VERSIONS } from './binary-cache.js';

export const LAB_KUBERNETES_VERSION = '1.20.2';

export interface LabBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager?: string;
  readonly kubeScheduler?: string;
}

export interface FindBinariesOptions {
  /** `--k8s-bin DIR`, searched first. */
  readonly k8sBin?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Raised when etcd or kube-apiserver is nowhere to be found; the CLI maps it to exit code 3. */
export class LabBinariesMissingError extends Error {
  constructor(
    readonly missing: readonly string[],
    readonly searched: readonly string[],
  ) {
    super(
      `the lab needs ${missing.join(' and ')}, not found in ${searched.join(', ')}; ` +
        "run 'npm run setup:lab' as root (installs etcd, downloads or builds Kubernetes once and caches it), " +
        'or point --k8s-bin or KUBEBUILDER_ASSETS at a folder that holds them',
    );
    this.name = 'LabBinariesMissingError';
  }
}

/** The folders searched, in order. */
export function binarySearchPath(options: FindBinariesOptions): string[] {
  const env = options.env ?? process.env;
  const folders: string[] = [];
  if (options.k8sBin !== undefined) folders.push(options.k8sBin);
  if (env.KUBEBUILDER_ASSETS) folders.push(env.KUBEBUILDER_ASSETS);
  folders.push(...(env.PATH ?? '').split(delimiter).filter((folder) => folder !== ''));
  folders.push(...CACHED_KUBERNETES_VERSIONS.map((version) => binaryCacheDir(env, version)));
  return folders;
}

export async function findLabBinaries(options: FindBinariesOptions = {}): Promise<LabBinaries> {
  const folders = binarySearchPath(options);
  const [etcd, kubeApiserver, kubeControllerManager, kubeScheduler] = await Promise.all(
    ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((name) =>
      firstExecutable(name, folders),
    ),
  );
  const missing = [etcd === undefined ? 'etcd' : '', kubeApiserver === undefined ? 'kube-apiserver' : ''];
  if (etcd === undefined || kubeApiserver === undefined)
    throw new LabBinariesMissingError(
      missing.filter((name) => name !== ''),
      folders,
    );
  return {
    etcd,
    kubeApiserver,
    ...(kubeControllerManager === undefined ? {} : { kubeControllerManager }),
    ...(kubeScheduler === undefined ? {} : { kubeScheduler }),
  };
}

async function firstExecutable(name: string, folders: readonly string[]): Promise<string | undefined> {
  for (const folder of folders) {
    const path = join(folder, name);
    if (await isExecutable(path)) return path;
  }
  return undefined;
}
