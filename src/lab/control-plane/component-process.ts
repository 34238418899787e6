/**
 * One long-running lab process (etcd, kube-apiserver, ...): output appended to its log
 * file, its pid handed to the caller to record before anything else happens, and a stop
 * that escalates to SIGKILL when SIGTERM is not enough.
 */
import { execa } from 'execa';
import { openLogFile } from './log-file.js';

export interface ComponentExit {
  readonly name: string;
  readonly exitCode?: number;
  readonly signal?: string;
}

export interface RunningComponent {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process ends, for whatever reason. */
  readonly exited: Promise<ComponentExit>;
  stop(): Promise<ComponentExit>;
}

export interface ComponentLaunch {
  readonly name: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly logFile: string;
}

const STOP_GRACE_MS = 5_000;

export function startComponent(launch: ComponentLaunch): RunningComponent {
  const log = openLogFile(launch.logFile);
  const subprocess = execa(launch.file, launch.args, {
    stdin: 'ignore',
    stdout: log.fd,
    stderr: log.fd,
    reject: false,
    forceKillAfterDelay: STOP_GRACE_MS,
  });
  log.close();
  const pid = subprocess.pid;
  if (pid === undefined) throw new Error(`${launch.name} did not start (${launch.file})`);
  const exited: Promise<ComponentExit> = subprocess.then((result) => ({
    name: launch.name,
    ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
    ...(result.signal === undefined ? {} : { signal: result.signal }),
  }));
  return {
    name: launch.name,
    pid,
    logFile: launch.logFile,
    exited,
    stop: async () => {
      subprocess.kill('SIGTERM');
      return exited;
    },
  };
}

export function describeExit(exit: ComponentExit): string {
  if (exit.signal !== undefined) return `${exit.name} was killed by ${exit.signal}`;
  return `${exit.name} exited with code ${exit.exitCode ?? 'unknown'}`;
}
