/**
 * Test-only helpers for the lab: whether this machine can run it, probes from inside a
 * lab namespace (with netpol-probe, the agent's prober, as the agent image holds it), and
 * a snapshot of what a lab may leave behind.
 */
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { formatTasks, modeOf, parseHelperLine } from '../../agent/index.js';
import type { HelperTask, HelperWord } from '../../agent/index.js';
import { ensureAgentPayload } from '../../src/agent-payload/index.js';
import { inNetns } from '../../src/lab/host/index.js';
import type { Protocol } from '../../src/policy/cluster.js';

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

let payloadProbe: Promise<string> | undefined;

/** netpol-probe from the agent's payload (build/agent/), rebuilt first when its sources changed, as the lab does. */
function probeBinary(): Promise<string> {
  payloadProbe ??= ensureAgentPayload().then((payload) => payload.probe);
  return payloadProbe;
}

/**
 * Runs probes concurrently from inside `netns`, one attempt each; one outcome per probe,
 * in order. netpol-probe runs there through `ip netns exec`, which refuses (through
 * inNetns) any namespace the lab did not make. Tasks and results are the agent's own
 * line format (agent/helper-lines.ts), each probe in the mode the agent would choose
 * (a DNS question to port 53); with the input closed after `end`, the probes start.
 */
export async function probeFrom(
  netns: string,
  probes: readonly Probe[],
  timeoutMs = 300,
): Promise<ProbeOutcome[]> {
  if (probes.length === 0) return [];
  const tasks: HelperTask[] = probes.map((probe, index) => ({
    kind: 'probe',
    index,
    // As the agent plans it: the protocol, speaking DNS where the agent would.
    mode: modeOf({ port: probe.port, protocol: probe.protocol }),
    ip: probe.address,
    port: probe.port,
    timeoutMs,
    attempts: 1,
    nonce: `lab-test-${index}`,
  }));
  const [file, args] = inNetns(netns, await probeBinary(), []);
  const result = await execa(file, args, { input: formatTasks(tasks), timeout: 30_000 });
  const outcomes: (ProbeOutcome | undefined)[] = probes.map(() => undefined);
  for (const text of result.stdout.split('\n').filter((line) => line !== '')) {
    const line = parseHelperLine(text);
    if (line.kind === 'result') outcomes[line.index] = outcomeOf(line.word);
    else if (line.kind !== 'ready') throw new Error(`netpol-probe said '${text}': ${result.stderr}`);
  }
  const answered = outcomes.filter((outcome) => outcome !== undefined);
  if (answered.length !== probes.length)
    throw new Error(`netpol-probe answered ${answered.length} of ${probes.length}: ${result.stderr}`);
  return answered;
}

/** `sent` (udp-send) and the capture words never answer a plain probe: as errors, they fail a test. */
function outcomeOf(word: HelperWord): ProbeOutcome {
  switch (word) {
    case 'connected':
    case 'refused':
    case 'timeout':
    case 'unreachable':
    case 'unsupported':
      return word;
    default:
      return 'error';
  }
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
