/** What the lab tests share: exec through client-node, and a search for anything a lab left behind. */
import { Exec } from '@kubernetes/client-node';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { readdir, readFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { execa } from 'execa';

export const isRoot = process.getuid?.() === 0;

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: V1Status;
}

/** `kubectl exec` as netpol-assert does it: client-node's Exec through the kubeconfig's API server. */
export async function execInPod(
  kubeConfig: KubeConfig,
  where: { namespace: string; pod: string; container: string },
  command: string[],
  stdin?: string,
): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const input = stdin === undefined ? null : new PassThrough();
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`exec ${command.join(' ')} timed out`)), 15_000);
    new Exec(kubeConfig)
      .exec(
        where.namespace,
        where.pod,
        where.container,
        command,
        sink((text) => (stdout += text)),
        sink((text) => (stderr += text)),
        input,
        false,
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      )
      .then(() => {
        if (input !== null && stdin !== undefined) input.end(stdin);
      }, reject);
  });
  return { stdout, stderr, status };
}

export interface Leftovers {
  /** Live (not zombie) processes whose command line names the lab's state folder. */
  readonly processes: readonly string[];
  readonly netns: readonly string[];
  /** Ports that still accept a connection on 127.0.0.1. */
  readonly listening: readonly number[];
  readonly stateFolder: boolean;
}

export async function leftoversOf(
  lab: string,
  stateFolder: string,
  ports: readonly number[],
): Promise<Leftovers> {
  const netns = (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`npa-${lab}-`));
  const listening: number[] = [];
  for (const port of ports) if (await accepts(port)) listening.push(port);
  return {
    processes: await processesNaming(stateFolder),
    netns,
    listening,
    stateFolder: await stat(stateFolder).then(
      () => true,
      () => false,
    ),
  };
}

async function processesNaming(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (commandLine.includes(folder) && !/\) Z /.test(state))
      found.push(`${pid} ${commandLine.split('\0')[0]}`);
  }
  return found;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function hasKubectl(): Promise<boolean> {
  return execa('kubectl', ['version', '--client'], { reject: false }).then((result) => result.exitCode === 0);
}

/** Ask again (bounded) until the answer satisfies `done`; returns the last answer. */
export async function eventually<T>(
  ask: () => Promise<T>,
  done: (answer: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let answer = await ask();
  while (!done(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    answer = await ask();
  }
  return answer;
}
