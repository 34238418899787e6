/**
 * Named network namespaces and what runs in them, through iproute2. Every function
 * refuses a name without the lab prefix, so nothing here can touch a namespace the lab
 * did not make (the root namespace has no name and cannot be reached at all).
 */
import { runCommand } from './run-command.js';

const LAB_NETNS = /^npa-[a-z0-9]{1,12}-[a-z0-9][a-z0-9.-]{0,80}$/;
/** What may appear in one word of an `ip -batch` line. */
const BATCH_TOKEN = /^[A-Za-z0-9][A-Za-z0-9.:/_-]*$/;
const SYSCTL_KEY = /^net\.ipv[46]\.[a-z0-9_.-]+$/;

export function checkNetns(name: string): string {
  if (!LAB_NETNS.test(name)) throw new Error(`refusing network namespace '${name}': not a lab namespace`);
  return name;
}

/** The file of a named namespace, as `ip netns` keeps it: what `nsenter --net=` and the agent enter. */
export function netnsPath(name: string): string {
  return `/run/netns/${checkNetns(name)}`;
}

export async function listNetns(): Promise<string[]> {
  const out = (await runCommand('ip', ['-j', 'netns', 'list'])).trim();
  if (out === '') return [];
  const parsed: unknown = JSON.parse(out);
  if (!Array.isArray(parsed)) return [];
  return parsed
    .map((entry: unknown) =>
      typeof entry === 'object' && entry !== null && 'name' in entry ? String(entry.name) : '',
    )
    .filter((name) => name !== '');
}

export async function addNetns(name: string): Promise<void> {
  await runCommand('ip', ['netns', 'add', checkNetns(name)]);
}

/** Deletes a namespace; one that is already gone is fine. */
export async function deleteNetns(name: string): Promise<void> {
  try {
    await runCommand('ip', ['netns', 'del', checkNetns(name)]);
  } catch (error) {
    if (!(await listNetns()).includes(name)) return;
    throw error;
  }
}

export async function netnsPids(name: string): Promise<number[]> {
  const out = await runCommand('ip', ['netns', 'pids', checkNetns(name)]);
  return out
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

/** One `ip` command (without the leading `ip`), as words. */
export type IpCommand = readonly (string | number)[];

/**
 * Runs `ip` commands in a namespace as one batch. The first failure stops it and throws;
 * with `force`, every command runs and the batch throws at the end if one failed.
 */
export async function ipBatch(
  netns: string,
  commands: readonly IpCommand[],
  options: { force?: boolean } = {},
): Promise<void> {
  if (commands.length === 0) return;
  const text = commands.map((words) => words.map(batchToken).join(' ')).join('\n') + '\n';
  const force = options.force === true ? ['-force'] : [];
  await runCommand('ip', ['-n', checkNetns(netns), ...force, '-batch', '-'], { input: text });
}

function batchToken(word: string | number): string {
  const text = String(word);
  if (!BATCH_TOKEN.test(text)) throw new Error(`refusing '${text}' in an ip batch`);
  return text;
}

export async function setSysctls(netns: string, values: Readonly<Record<string, string | number>>) {
  const assignments = Object.entries(values).map(([key, value]) => {
    if (!SYSCTL_KEY.test(key) || !/^[0-9]+$/.test(String(value))) {
      throw new Error(`refusing sysctl ${key}=${value}`);
    }
    return `${key}=${value}`;
  });
  await runCommand('ip', ['netns', 'exec', checkNetns(netns), 'sysctl', '-q', '-w', ...assignments]);
}

/** The argument array that runs `file args...` inside a namespace. */
export function inNetns(netns: string, file: string, args: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', checkNetns(netns), file, ...args]];
}
