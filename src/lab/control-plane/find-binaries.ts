/**
 * Where the control-plane binaries are: `--k8s-bin DIR`, then `$KUBEBUILDER_ASSETS`
 * (envtest's convention), then PATH, then the cache scripts/install-lab-binaries.sh fills.
 * etcd and kube-apiserver are required; the controller manager and scheduler are optional
 * (the lab then binds pods itself and skips service-account tokens).
 */
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isExecutable } from '../is-executable.js';

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
        'run scripts/install-lab-binaries.sh (builds Kubernetes 1.20.2 once and caches it), ' +
        'or point --k8s-bin or KUBEBUILDER_ASSETS at a folder that holds them',
    );
    this.name = 'LabBinariesMissingError';
  }
}

/** The cache folder scripts/install-lab-binaries.sh writes to. */
export function binaryCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const root = env.NETPOL_ASSERT_CACHE ?? join(env.HOME ?? homedir(), '.cache', 'netpol-assert');
  return join(root, `k8s-${LAB_KUBERNETES_VERSION}`, 'bin');
}

/** The folders searched, in order. */
export function binarySearchPath(options: FindBinariesOptions): string[] {
  const env = options.env ?? process.env;
  const folders: string[] = [];
  if (options.k8sBin !== undefined) folders.push(options.k8sBin);
  if (env.KUBEBUILDER_ASSETS) folders.push(env.KUBEBUILDER_ASSETS);
  folders.push(...(env.PATH ?? '').split(delimiter).filter((folder) => folder !== ''));
  folders.push(binaryCacheDir(env));
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
