/**
 * Test-only: two network namespaces joined by a veth pair, addressed in 198.18.0.0/15,
 * with nothing routed anywhere else, made and removed by the test. Every name carries a
 * random suffix so parallel test files never meet, and `remove()` kills only processes
 * inside these namespaces.
 */
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ensureAgentPayload } from '../../src/agent-payload/index.js';

/**
 * The agent as the image holds it: these tests run the payload's bundle (`node
 * AGENT_BIN ...`) and its static netpol-probe (NETPOL_PROBE, which the agent and
 * probeBinary() then use), rebuilt first when its sources changed.
 */
const payload = await ensureAgentPayload();
process.env.NETPOL_PROBE = payload.probe;
export const AGENT_BIN = payload.bundle;
export const PROBE_BIN = payload.probe;

/** Why the namespace tests cannot run here, or undefined when they can. */
export async function netnsSkipReason(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nftables, cgroups)';
  for (const [tool, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
    ['nsenter', ['--version']],
  ] as const) {
    const result = await execa(tool, args, { reject: false });
    if (result.failed) return `needs '${tool}' (apt-get install -y iproute2 nftables util-linux)`;
  }
  return undefined;
}

export interface NetnsPair {
  readonly source: string;
  readonly destination: string;
  readonly sourceIp: string;
  readonly destinationIp: string;
  readonly sourcePath: string;
  readonly destinationPath: string;
  /** Runs a program inside one of the pair's namespaces. */
  exec(netns: string, file: string, args: readonly string[], input?: string): Promise<string>;
  remove(): Promise<void>;
}

/** A fresh pair: `source` 198.19.77.1/24 — veth — `destination` 198.19.77.2/24. */
export async function createNetnsPair(): Promise<NetnsPair> {
  const tag = randomBytes(3).toString('hex');
  const source = `npt-${tag}-src`;
  const destination = `npt-${tag}-dst`;
  const [sourceIp, destinationIp] = ['198.19.77.1', '198.19.77.2'];
  const exec = async (netns: string, file: string, args: readonly string[], input?: string) => {
    if (netns !== source && netns !== destination) throw new Error(`refusing netns ${netns}`);
    const result = await execa('ip', ['netns', 'exec', netns, file, ...args], {
      ...(input === undefined ? {} : { input }),
      timeout: 20_000,
    });
    return result.stdout;
  };
  const pair: NetnsPair = {
    source,
    destination,
    sourceIp,
    destinationIp,
    sourcePath: `/run/netns/${source}`,
    destinationPath: `/run/netns/${destination}`,
    exec,
    remove: () => removeNetns([source, destination]),
  };
  try {
    await execa('ip', ['netns', 'add', source]);
    await execa('ip', ['netns', 'add', destination]);
    const [a, b] = [`npt${tag}a`, `npt${tag}b`];
    await execa('ip', [
      'link',
      'add',
      a,
      'netns',
      source,
      'type',
      'veth',
      'peer',
      'name',
      b,
      'netns',
      destination,
    ]);
    for (const [netns, link, ip] of [
      [source, a, sourceIp],
      [destination, b, destinationIp],
    ] as const) {
      await execa('ip', ['-n', netns, 'addr', 'add', `${ip}/24`, 'dev', link]);
      await execa('ip', ['-n', netns, 'link', 'set', link, 'up']);
      await execa('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    }
    return pair;
  } catch (error) {
    await pair.remove();
    throw error;
  }
}

/** Kills what runs inside the namespaces (only there), then deletes them; absent ones are fine. */
export async function removeNetns(names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (!/^npt-[0-9a-f]{6}-[a-z]+$/.test(name)) throw new Error(`refusing to remove netns ${name}`);
    const pids = await execa('ip', ['netns', 'pids', name], { reject: false });
    for (const pid of pids.stdout.split(/\s+/).filter((word) => /^\d+$/.test(word))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await execa('ip', ['netns', 'del', name], { reject: false });
  }
}

/** Applies an nftables ruleset inside a namespace of the pair (never the root namespace). */
export async function nftInside(pair: NetnsPair, netns: string, ruleset: string): Promise<void> {
  await pair.exec(netns, 'nft', ['-f', '-'], ruleset);
}

export interface BackgroundProcess {
  readonly pid: number;
  /** The first line it printed. */
  readonly firstLine: string;
  stop(): Promise<void>;
}

/** Starts `ip netns exec NETNS file args...` and waits for its first stdout line. */
export async function startInNetns(
  pair: NetnsPair,
  netns: string,
  file: string,
  args: readonly string[],
): Promise<BackgroundProcess> {
  if (netns !== pair.source && netns !== pair.destination) throw new Error(`refusing netns ${netns}`);
  const subprocess: ResultPromise = execa('ip', ['netns', 'exec', netns, file, ...args], {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
    timeout: 60_000,
  });
  const stop = async () => {
    subprocess.kill('SIGTERM');
    await subprocess;
  };
  const lines = createInterface({ input: subprocess.stdout! });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} printed nothing in 20 s`)), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    lines.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`${file} ended before printing`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { pid: subprocess.pid ?? -1, firstLine, stop };
}
