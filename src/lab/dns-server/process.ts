/**
 * A lab DNS pod's server: dnsmasq started inside the pod's namespace with `ip netns exec`
 * (which execs, so the pid is dnsmasq's own), placed in the pod's cgroups before it
 * binds, up once it logged `started`, and stopped with the pod (SIGTERM, then SIGKILL).
 * Like the responder it is the lab's own child; `lab down` after a crash kills it with
 * every other process in the lab's namespaces.
 */
import type { ResultPromise } from 'execa';
import { delimiter, join } from 'node:path';
import { isExecutable, startNetnsProcess } from '../host/index.js';
import type { RunningProcess } from '../host/index.js';
import { dnsmasqArgs } from './dnsmasq-args.js';
import type { DnsmasqOptions } from './dnsmasq-args.js';

export type RunningDnsServer = RunningProcess;

export class DnsServerFailed extends Error {
  constructor(netns: string, detail: string) {
    super(`dnsmasq in ${netns} did not start: ${detail}`);
    this.name = 'DnsServerFailed';
  }
}

/** dnsmasq logs this once its sockets are bound (or exits saying why not). */
const STARTED = /dnsmasq\[\d+\]: started, version /;

export async function startDnsServer(
  netns: string,
  options: DnsmasqOptions,
  cgroupLeaves: readonly string[] = [],
  readyTimeoutMs = 10_000,
): Promise<RunningDnsServer> {
  const binary = await dnsmasqPath();
  if (binary === undefined) {
    throw new DnsServerFailed(
      netns,
      'dnsmasq is not installed (Debian package dnsmasq-base; npm run setup:lab)',
    );
  }
  return startNetnsProcess({
    netns,
    binary,
    args: dnsmasqArgs(options),
    stdout: 'ignore',
    cgroupLeaves,
    ready: (subprocess) => startedLine(subprocess, readyTimeoutMs),
    failed: (detail) => new DnsServerFailed(netns, detail),
  });
}

/** dnsmasq on PATH or in the sbin folders (Debian puts it in /usr/sbin, which a user's PATH may lack). */
async function dnsmasqPath(): Promise<string | undefined> {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const folder of folders.filter((entry) => entry.startsWith('/'))) {
    const candidate = join(folder, 'dnsmasq');
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves at the `started` line; rejects with what dnsmasq said when it exits first. Its
 * later log lines are read and dropped, so a full pipe never blocks it.
 */
function startedLine(subprocess: ResultPromise, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    let up = false;
    const timer = setTimeout(
      () => reject(new Error(`no 'started' line after ${timeoutMs} ms: ${text.trim()}`)),
      timeoutMs,
    );
    subprocess.stderr?.on('data', (chunk: Buffer) => {
      if (up) return;
      text += chunk.toString();
      if (!STARTED.test(text)) return;
      up = true;
      clearTimeout(timer);
      resolve();
    });
    void subprocess.then((result) => {
      clearTimeout(timer);
      reject(new Error(`exited (${result.exitCode ?? result.signal}): ${text.trim()}`));
    });
  });
}
