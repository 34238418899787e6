/**
 * `lab down`: stop and remove everything a lab made, whether its supervisor is alive,
 * killed with SIGKILL, or never finished starting.
 *   1. the supervisor, asked to stop (SIGTERM: it stops its children and destroys the
 *      data plane), killed if it does not within the grace period
 *   2. every process the record names and is still the same process (pid + start time)
 *   3. stragglers: lab binaries whose command line names the lab's state folder
 *   4. the data plane's leftovers by name (netns, links, nftables, cgroups, responders)
 *   5. the state folder (kubeconfig, certificates, etcd data, logs)
 * Running it again, or for a lab that is not there, is fine.
 */
import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { cleanLeftovers } from '../data-plane/index.js';
import type { CleanupReport } from '../data-plane/index.js';
import { listNetns } from '../host/index.js';
import { LabNames, labPaths } from '../names/index.js';
import {
  isRunning,
  processesMentioning,
  readSupervisorRecord,
  terminateProcesses,
} from '../supervisor/index.js';
import type { RecordedProcess } from '../supervisor/index.js';
import { nameProblem, rootProblem, unavailable } from './failure.js';
import type { LabFailure, Progress } from './failure.js';

export interface LabDownOptions {
  readonly lab: string;
  readonly stateRoot?: string;
  readonly progress: Progress;
}

export interface LabDownReport {
  readonly ok: true;
  /** Whether there was anything of the lab to remove. */
  readonly found: boolean;
  readonly processes: readonly RecordedProcess[];
  readonly dataPlane: CleanupReport;
  /** The lab's network namespaces there before and gone after, whoever removed them (the supervisor, or step 4). */
  readonly netnsRemoved: readonly string[];
}

const SUPERVISOR_GRACE_MS = 20_000;
const PROCESS_GRACE_MS = 5_000;
/** The programs a lab runs with its state folder on their command line. */
const LAB_PROGRAMS = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'node']);

export async function labDown(options: LabDownOptions): Promise<LabDownReport | LabFailure> {
  const badName = nameProblem(options.lab);
  if (badName !== undefined) return badName;
  const notRoot = rootProblem();
  if (notRoot !== undefined) return notRoot;
  const paths = labPaths(options.lab, options.stateRoot);
  const folderExisted = await exists(paths.root);
  const record = await readSupervisorRecord(paths);
  const stopped: RecordedProcess[] = [];
  const names = new LabNames(options.lab);
  const netnsBefore = (await listNetns()).filter((name) => names.owns(name));
  try {
    if (record !== undefined && (await isRunning(record.supervisor))) {
      options.progress(`stopping the supervisor (pid ${record.supervisor.pid})`);
      await terminateProcesses([record.supervisor], SUPERVISOR_GRACE_MS);
      stopped.push(record.supervisor);
    }
    const recorded = await runningOnly(record?.processes ?? []);
    const stragglers = (await processesMentioning(`${paths.root}/`)).filter(
      (found) => LAB_PROGRAMS.has(basename(found.name)) && !recorded.some((known) => known.pid === found.pid),
    );
    const left = [...recorded, ...stragglers];
    if (left.length > 0) {
      options.progress(
        `stopping ${left.map((found) => `${basename(found.name)} (${found.pid})`).join(', ')}`,
      );
      await terminateProcesses(left, PROCESS_GRACE_MS);
      stopped.push(...left);
    }
    const dataPlane = await cleanLeftovers(
      { lab: options.lab },
      options.stateRoot === undefined ? {} : { stateRoot: options.stateRoot },
    );
    await rm(paths.root, { recursive: true, force: true });
    const found =
      folderExisted || stopped.length > 0 || netnsBefore.length > 0 || dataPlane.cgroups.length > 0;
    const netnsAfter = new Set(await listNetns());
    const netnsRemoved = netnsBefore.filter((name) => !netnsAfter.has(name));
    return { ok: true, found, processes: stopped, dataPlane, netnsRemoved };
  } catch (error) {
    return unavailable(`lab down did not finish: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function runningOnly(processes: readonly RecordedProcess[]): Promise<RecordedProcess[]> {
  const running = await Promise.all(processes.map(isRunning));
  return processes.filter((_, index) => running[index]);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
