/**
 * Test-only helpers for the lab: whether this machine can run it, probes from inside a
 * lab namespace (the responder's `--probe-batch` mode), and a snapshot of what a lab
 * may leave behind.
 */
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import type { Protocol } from '../../src/policy/cluster.js';
import { responderBinary } from '../../src/lab/index.js';
import { inNetns } from '../../src/lab/index.js';

/** Why the lab tests cannot run here, or undefined when they can. */
export async function labSkipReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the lab needs Linux';
  if (process.getuid?.() !== 0) return 'the lab needs root (network namespaces, nftables, cgroups)';
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
    ['cc', ['--version']],
  ] as const) {
    const result = await execa(tool, args, { reject: false });
    if (result.failed) return `the lab needs '${tool}' (apt-get install -y iproute2 nftables gcc)`;
  }
  return undefined;
}

export type ProbeOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'unsupported' | 'error';

export interface Probe {
  readonly protocol: Protocol;
  readonly address: string;
  readonly port: number;
}

/** Runs probes concurrently from inside `netns`; one outcome per probe, in order. */
export async function probeFrom(
  netns: string,
  probes: readonly Probe[],
  timeoutMs = 300,
): Promise<ProbeOutcome[]> {
  if (probes.length === 0) return [];
  const binary = await responderBinary();
  const input = probes.map((p) => `${p.protocol.toLowerCase()} ${p.address} ${p.port}`).join('\n') + '\n';
  const [file, args] = inNetns(netns, binary, ['--probe-batch', '--timeout-ms', String(timeoutMs)]);
  const result = await execa(file, args, { input, timeout: 30_000 });
  const words = result.stdout.split('\n').filter((line) => line !== '');
  if (words.length !== probes.length)
    throw new Error(`prober answered ${words.length} of ${probes.length}: ${result.stderr}`);
  return words.map((word) => (word.startsWith('error') ? 'error' : (word as ProbeOutcome)));
}

/** One probe, for readable tests. */
export async function probeOne(
  netns: string,
  protocol: Protocol,
  address: string,
  port: number,
  timeoutMs = 300,
) {
  const [outcome] = await probeFrom(netns, [{ protocol, address, port }], timeoutMs);
  return outcome;
}

/** Allowed or denied, failing loudly on an outcome that says the test itself is wrong. */
export function verdictOf(outcome: ProbeOutcome | undefined, what: string): 'allow' | 'deny' {
  switch (outcome) {
    case 'connected':
      return 'allow';
    case 'timeout':
    case 'unreachable':
      return 'deny';
    default:
      throw new Error(`${what}: probe said ${outcome ?? 'nothing'} (nothing listening, or the probe failed)`);
  }
}

export interface HostSnapshot {
  readonly netns: readonly string[];
  readonly rootLinks: readonly string[];
  readonly rootRuleset: string;
  readonly cgroupDirs: readonly string[];
}

/** What a lab could leave on the host outside its namespaces. */
export async function hostSnapshot(labPrefix: string): Promise<HostSnapshot> {
  const netns = (await execa('ip', ['-j', 'netns', 'list'])).stdout;
  const links = (await execa('ip', ['-j', 'link', 'show'])).stdout;
  const rootRuleset = (await execa('nft', ['list', 'ruleset'])).stdout;
  const parsedNetns = netns.trim() === '' ? [] : (JSON.parse(netns) as { name: string }[]);
  return {
    netns: parsedNetns.map((entry) => entry.name).filter((name) => name.startsWith(labPrefix)),
    rootLinks: (JSON.parse(links) as { ifname: string }[]).map((entry) => entry.ifname).sort(),
    rootRuleset,
    cgroupDirs: await labCgroupDirs(labPrefix.replace(/-$/, '')),
  };
}

/** Folders named like the lab's cgroup parent, a few levels into every hierarchy. */
async function labCgroupDirs(parent: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.name === parent) found.push(path);
      else if (depth < 5) await visit(path, depth + 1);
    }
  };
  await visit('/sys/fs/cgroup', 0);
  return found;
}

export async function processExists(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/\) Z /.test(stat);
}

/** Resident memory of a process in KiB. */
export async function rssKib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}
