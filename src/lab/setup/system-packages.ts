/**
 * The Debian packages the lab and its tests run programs from, and installing the missing
 * ones with apt-get: one `apt-get update` per run, and none at all when nothing is missing
 * (a machine without a network then passes this step).
 */
import { CommandFailed, runCommand } from '../host/index.js';

export interface SystemPackage {
  readonly name: string;
  /** The program the lab or the tests run from it, and what for. */
  readonly why: string;
}

/**
 * kubectl is not here: the tests that use it skip without it, and Debian's (1.20) speaks
 * only SPDY to `exec`, which the lab serves over WebSocket.
 */
export const LAB_PACKAGES: readonly SystemPackage[] = [
  { name: 'nftables', why: 'nft: the lab enforces NetworkPolicies as nftables rules' },
  { name: 'iproute2', why: 'ip: network namespaces, veth pairs, the node bridges and routes' },
  { name: 'util-linux', why: "nsenter: exec into lab pods, and the agent's way into pod namespaces" },
  { name: 'procps', why: 'sysctl: network settings inside lab namespaces' },
  { name: 'gcc', why: 'cc: compiles the lab responder and the probe helper' },
  { name: 'libc6-dev', why: 'the C library and headers cc needs' },
  { name: 'musl-tools', why: "musl-gcc: the agent image's statically linked netpol-probe" },
  { name: 'openssl', why: "openssl: the lab's certificates" },
  { name: 'etcd-server', why: "etcd: the lab API server's storage" },
  { name: 'xz-utils', why: 'xz: the tests unpack xz-compressed Kubernetes binaries' },
  { name: 'ca-certificates', why: 'HTTPS for apt and the Kubernetes download' },
  { name: 'dnsmasq-base', why: 'dnsmasq: a real DNS server for lab pods' },
];

/** Whether dpkg has the package installed (not merely known, or removed with its configuration left). */
export async function isInstalled(name: string): Promise<boolean> {
  try {
    const status = await runCommand('dpkg', ['-s', name]);
    return /^Status: install ok installed$/m.test(status);
  } catch (error) {
    if (error instanceof CommandFailed) return false;
    throw error;
  }
}

export async function missingPackages(names: readonly string[]): Promise<string[]> {
  const installed = await Promise.all(names.map(isInstalled));
  return names.filter((_, index) => !installed[index]);
}

const APT_TIMEOUT_MS = 30 * 60_000;
const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };

/** apt-get for one run of `setup:lab`: the package lists are refreshed once, before the first install. */
export class AptSession {
  private fresh = false;

  /** A new source (deb-src) was added: the next install refreshes the lists again. */
  sourcesChanged(): void {
    this.fresh = false;
  }

  async update(): Promise<void> {
    if (this.fresh) return;
    await runCommand('apt-get', ['update', '-qq'], { timeoutMs: APT_TIMEOUT_MS, env: APT_ENV });
    this.fresh = true;
  }

  /** Installs those of `names` that are missing; returns them. */
  async installMissing(names: readonly string[]): Promise<string[]> {
    const missing = await missingPackages(names);
    if (missing.length === 0) return [];
    await this.update();
    await runCommand('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      timeoutMs: APT_TIMEOUT_MS,
      env: APT_ENV,
    });
    return missing;
  }
}
