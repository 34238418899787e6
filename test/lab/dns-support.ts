/** DNS from inside lab namespaces, for the lab's and the end-to-end DNS tests. */
import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { formatTasks, parseHelperLine } from '../../agent/index.js';
import { ensureAgentPayload } from '../../src/agent-payload/index.js';
import { inNetns } from '../../src/lab/host/index.js';

/** Pids of dnsmasq processes listening on `ip`, by their command line. */
export async function dnsmasqOn(ip: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('dnsmasq') && argv.includes(`--listen-address=${ip}`)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * netpol-probe's dns-udp and dns-tcp from inside a lab namespace (inNetns refuses any other),
 * straight to the server: `word detail` each, in that order.
 */
export async function dnsProbe(netns: string, server: string, nonce: string): Promise<string[]> {
  const probe = (await ensureAgentPayload()).probe;
  const tasks = (['dns-udp', 'dns-tcp'] as const).map((mode, index) => ({
    kind: 'probe' as const,
    index,
    mode,
    ip: server,
    port: 53,
    timeoutMs: 1000,
    attempts: 1,
    nonce,
  }));
  const [file, args] = inNetns(netns, probe, []);
  const { stdout } = await execa(file, args, { input: formatTasks(tasks), timeout: 30_000 });
  const outcomes = ['', ''];
  for (const line of stdout.split('\n').map(parseHelperLine))
    if (line.kind === 'result') outcomes[line.index] = `${line.word} ${line.detail ?? '-'}`;
  return outcomes;
}
