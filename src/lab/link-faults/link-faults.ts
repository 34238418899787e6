/**
 * `--cni ...+lossy`: loss and jitter on one pod's link, both ways, as a lossy wire does
 * it: the sender hears nothing of a lost frame. With sch_netem in the kernel, a netem
 * qdisc on each end of the pod's veth (`delay J/2 J/2` is uniform over 0..J). Without it
 * (this project's CI kernel has none), the pod's eth0 hands every IPv4 frame, both ways,
 * to lossy-link (lossy-link.c) through a tap, and takes it back lost or late.
 * `NETPOL_ASSERT_LINK_EMULATION=userspace` takes the second way even with netem there.
 */
import { checkNetns, CommandFailed, firstLine, runCommand, startNetnsProcess } from '../host/index.js';
import type { RunningProcess } from '../host/index.js';
import type { LinkFaults } from '../enforcer/index.js';

/** A pod with a veth of its own: its namespace (eth0 inside, `address`) and the host side in its node's. */
export interface PodLink {
  readonly netns: string;
  readonly nodeNetns: string;
  readonly hostLink: string;
  readonly address: string;
}

export type LinkEmulation = 'netem' | 'userspace';

export interface FaultyLink {
  readonly emulation: LinkEmulation;
  /** The user-space stage, where there is one. */
  readonly process?: RunningProcess;
  stop(): Promise<void>;
}

export class LinkFaultsFailed extends Error {
  constructor(netns: string, detail: string) {
    super(`the lossy link of ${netns} could not be set up: ${detail}`);
    this.name = 'LinkFaultsFailed';
  }
}

const POD_DEVICE = 'eth0';
/** The tap lossy-link makes in the pod's namespace. */
const TAP = 'npa-lossy';
const PPM_PER_PERCENT = 10_000;

/** Asked for, or learnt from the first pod (this kernel has no sch_netem) and kept for the process. */
let userspaceOnly = process.env.NETPOL_ASSERT_LINK_EMULATION === 'userspace';

export async function startFaultyLink(
  link: PodLink,
  faults: LinkFaults,
  binary: string,
  log: (message: string) => void,
): Promise<FaultyLink> {
  if (!userspaceOnly) {
    try {
      await runCommand('tc', ['-n', checkNetns(link.netns), ...netemArgs(POD_DEVICE, faults)]);
      await runCommand('tc', ['-n', checkNetns(link.nodeNetns), ...netemArgs(link.hostLink, faults)]);
      await pinPodNeighbour(link);
      return { emulation: 'netem', stop: () => Promise.resolve() };
    } catch (error) {
      if (!(error instanceof CommandFailed && /unknown/i.test(error.stderr))) {
        throw new LinkFaultsFailed(link.netns, error instanceof Error ? error.message : String(error));
      }
      userspaceOnly = true;
    }
  }
  return startUserspaceLink(link.netns, faults, binary, log);
}

/** `tc` arguments for a netem root qdisc: `delay J/2 J/2` is uniform over 0..J ms (netem's default without a table). */
export function netemArgs(device: string, faults: LinkFaults): string[] {
  const half = `${faults.jitterMs / 2}ms`;
  return [
    'qdisc',
    'replace',
    'dev',
    device,
    'root',
    'netem',
    'delay',
    half,
    half,
    'loss',
    `${faults.lossPercent}%`,
  ];
}

/**
 * netem loses ARP too; a node that cannot resolve its pod answers the sender with ICMP host
 * unreachable, which reads as a policy. The pod already knows its gateway for good
 * (topology.ts); the node now knows the pod the same way, so no ARP crosses the link,
 * as in the user-space stage, which passes ARP untouched.
 */
async function pinPodNeighbour(link: PodLink): Promise<void> {
  const shown = await runCommand('ip', ['-n', checkNetns(link.netns), '-j', 'link', 'show', POD_DEVICE]);
  const [device] = JSON.parse(shown) as { address?: string }[];
  if (device?.address === undefined) throw new Error(`no MAC address on ${POD_DEVICE}`);
  await runCommand('ip', [
    '-n',
    checkNetns(link.nodeNetns),
    'neighbour',
    'replace',
    link.address,
    'lladdr',
    device.address,
    'dev',
    link.hostLink,
    'nud',
    'permanent',
  ]);
}

/** lossy-link up with its tap first, then eth0's IPv4 frames, both ways, redirected into the tap. */
async function startUserspaceLink(
  netns: string,
  faults: LinkFaults,
  binary: string,
  log: (message: string) => void,
): Promise<FaultyLink> {
  const ppm = String(Math.round(faults.lossPercent * PPM_PER_PERCENT));
  const running = await startNetnsProcess({
    netns,
    binary,
    args: [POD_DEVICE, TAP, ppm, String(faults.jitterMs)],
    stdout: 'pipe',
    cgroupLeaves: [],
    ready: async (subprocess) => {
      const line = await firstLine(subprocess, 10_000);
      if (line !== 'ready') throw new LinkFaultsFailed(netns, line);
      return line;
    },
    failed: (detail) => new LinkFaultsFailed(netns, detail),
  });
  const redirect = 'protocol ip u32 match u32 0 0 action mirred egress redirect';
  const script = [
    `qdisc add dev ${POD_DEVICE} clsact`,
    `filter add dev ${POD_DEVICE} ingress ${redirect} dev ${TAP}`,
    `filter add dev ${POD_DEVICE} egress ${redirect} dev ${TAP}`,
  ].join('\n');
  try {
    await tcBatch(netns, script);
  } catch (error) {
    await running.stop();
    throw new LinkFaultsFailed(netns, error instanceof Error ? error.message : String(error));
  }
  let stopping = false;
  // A stage that dies takes its tap along, and the redirect would then drop every frame:
  // a dead link that reads as a policy. The link goes clean instead, and says so.
  void running.exited.then(async () => {
    if (stopping) return;
    log(`lossy-link in ${netns} exited: its pod's link is clean from now on`);
    await tcBatch(netns, `qdisc del dev ${POD_DEVICE} clsact`).catch(() => undefined);
  });
  const stop = () => {
    stopping = true;
    return running.stop();
  };
  return { emulation: 'userspace', process: running, stop };
}

function tcBatch(netns: string, script: string): Promise<string> {
  return runCommand('tc', ['-n', checkNetns(netns), '-batch', '-'], { input: `${script}\n` });
}
