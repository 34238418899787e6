/**
 * The lab's processes by pid, safely: a pid is recorded with its start time (field 22 of
 * /proc/<pid>/stat), and a recorded process is signalled only while that still matches,
 * so a recycled pid is never hit. Stragglers are found by the lab's state folder in
 * their command line (every control-plane process names it in its flags).
 */
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RecordedProcess {
  readonly name: string;
  readonly pid: number;
  /** Clock ticks since boot at which the process started, as /proc says. */
  readonly startTime: string;
}

export async function processStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses; fields after its last ')' are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  return state === 'Z' ? undefined : fields[19];
}

export async function recordProcess(name: string, pid: number): Promise<RecordedProcess> {
  return { name, pid, startTime: (await processStartTime(pid)) ?? '' };
}

/** Whether the recorded process is still the one running under its pid. */
export async function isRunning(recorded: RecordedProcess): Promise<boolean> {
  const startTime = await processStartTime(recorded.pid);
  return startTime !== undefined && startTime === recorded.startTime;
}

/** Pids of processes whose command line contains `text` (never this process). */
export async function processesMentioning(text: string): Promise<RecordedProcess[]> {
  const found: RecordedProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!commandLine.split('\0').some((arg) => arg.includes(text))) continue;
    const startTime = await processStartTime(Number(entry));
    if (startTime !== undefined)
      found.push({ name: commandLine.split('\0')[0] ?? entry, pid: Number(entry), startTime });
  }
  return found;
}

/** SIGTERM, then SIGKILL after `graceMs` for whoever is left; resolves when all are gone. */
export async function terminateProcesses(
  processes: readonly RecordedProcess[],
  graceMs: number,
): Promise<void> {
  const signal = async (recorded: RecordedProcess, name: NodeJS.Signals): Promise<void> => {
    if (!(await isRunning(recorded))) return;
    try {
      process.kill(recorded.pid, name);
    } catch {
      // Gone between the check and the signal.
    }
  };
  await Promise.all(processes.map((recorded) => signal(recorded, 'SIGTERM')));
  if (await allGone(processes, graceMs)) return;
  await Promise.all(processes.map((recorded) => signal(recorded, 'SIGKILL')));
  if (!(await allGone(processes, 5_000))) {
    const left = processes.map((recorded) => recorded.pid).join(', ');
    throw new Error(`processes still running after SIGKILL: ${left}`);
  }
}

async function allGone(processes: readonly RecordedProcess[], waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const running = await Promise.all(processes.map(isRunning));
    if (!running.includes(true)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}
