/**
 * `lab up -f DIR`: check everything that can be checked first (root, name, --cni,
 * --nodes, the manifests, the binaries), start the supervisor detached, wait (bounded)
 * until it reports ready, apply the manifests, wait (bounded) for their pods, and hand
 * back the kubeconfig. The lab keeps running after this returns. A lab that fails to
 * start is torn down again, with the reason and the end of its log.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { findLabBinaries, LabBinariesMissingError } from '../control-plane/index.js';
import { parseCniMode } from '../enforcer/index.js';
import { defaultStateRoot, labNameProblem, labPaths } from '../names/index.js';
import { isRunning, MAX_LAB_NODES, readSupervisorRecord, spawnSupervisor } from '../supervisor/index.js';
import type { LabPaths } from '../names/index.js';
import type { SupervisorRecord } from '../supervisor/index.js';
import { applyToLab } from './apply-to-lab.js';
import { badInput, rootProblem, unavailable } from './failure.js';
import type { LabFailure, Progress } from './failure.js';
import { labDown } from './down.js';
import { readValidManifests } from './apply.js';

export interface LabUpOptions {
  readonly lab: string;
  /** Files and folders of manifests to apply once the lab is up (may be empty). */
  readonly manifests: readonly string[];
  readonly cni: string;
  readonly nodes: number;
  readonly k8sBin?: string;
  readonly stateRoot?: string;
  /** Bound on the supervisor's start (control plane, nodes, data plane). */
  readonly startTimeoutMs: number;
  /** Bound on the applied manifests' pods becoming Ready. */
  readonly waitTimeoutMs: number;
  readonly progress: Progress;
}

export interface LabUp {
  readonly ok: true;
  readonly kubeconfig: string;
  readonly server: string;
  /** From the supervisor's start to its `ready` (control plane, nodes, data plane). */
  readonly readyAfterMs: number;
  readonly pods: number;
  readonly podsReadyAfterMs: number;
}

const POLL_MS = 200;
const LOG_TAIL_LINES = 15;

export async function labUp(options: LabUpOptions): Promise<LabUp | LabFailure> {
  const notRoot = rootProblem();
  if (notRoot !== undefined) return notRoot;
  const problems = [
    labNameProblem(options.lab),
    ...[parseCniMode(options.cni)].map((parsed) => (parsed.ok ? undefined : parsed.problem)),
    Number.isInteger(options.nodes) && options.nodes >= 1 && options.nodes <= MAX_LAB_NODES
      ? undefined
      : `--nodes must be a whole number from 1 to ${MAX_LAB_NODES}`,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) return badInput(problems);
  const manifests = await readValidManifests(options.manifests);
  if (!('apiObjects' in manifests)) return manifests;
  try {
    await findLabBinaries(options.k8sBin === undefined ? {} : { k8sBin: options.k8sBin });
  } catch (error) {
    if (error instanceof LabBinariesMissingError) return unavailable(error.message);
    throw error;
  }

  const stateRoot = options.stateRoot ?? defaultStateRoot();
  const paths = labPaths(options.lab, stateRoot);
  const existing = await readSupervisorRecord(paths);
  if (existing !== undefined && (await isRunning(existing.supervisor)))
    return unavailable(
      `lab '${options.lab}' is already up (kubeconfig ${paths.kubeconfig}); run 'netpol-assert lab down' first`,
    );
  // Leftovers of a lab whose supervisor died go first, so the new one starts clean.
  const leftovers = await labDown({ lab: options.lab, stateRoot, progress: () => undefined });
  if (!leftovers.ok) return leftovers;
  if (leftovers.found) options.progress(`removed the leftovers of an earlier lab '${options.lab}'`);

  options.progress(`starting lab '${options.lab}': ${nodeCount(options.nodes)}, cni ${options.cni}`);
  const supervisorPid = await spawnSupervisor(paths, {
    lab: options.lab,
    nodes: options.nodes,
    cni: options.cni,
    stateRoot,
    ...(options.k8sBin === undefined ? {} : { k8sBin: options.k8sBin }),
  });
  const started = await waitForSupervisor(paths, supervisorPid, options.startTimeoutMs);
  if (started.phase !== 'ready') {
    // The logs go with the state folder: keep their ends in the message.
    const logs = await logTails([paths.supervisorLog, ...logsNamedIn(started.reason)]);
    await labDown({ lab: options.lab, stateRoot, progress: () => undefined });
    return unavailable(`lab '${options.lab}' did not start: ${started.reason}${logs}`);
  }
  options.progress(
    `control plane and ${nodeCount(options.nodes)} ready after ${(started.record.readyAfterMs ?? 0) / 1000}s`,
  );
  const applied = await applyToLab(paths, manifests, options.waitTimeoutMs, options.progress);
  if (!applied.ok) return applied;
  return {
    ok: true,
    kubeconfig: paths.kubeconfig,
    server: started.record.server ?? '',
    readyAfterMs: started.record.readyAfterMs ?? 0,
    pods: applied.pods,
    podsReadyAfterMs: applied.podsReadyAfterMs,
  };
}

type SupervisorStart =
  | { readonly phase: 'ready'; readonly record: SupervisorRecord }
  | { readonly phase: 'failed'; readonly reason: string };

async function waitForSupervisor(paths: LabPaths, pid: number, timeoutMs: number): Promise<SupervisorStart> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await readSupervisorRecord(paths);
    if (record?.phase === 'ready') return { phase: 'ready', record };
    if (record?.phase === 'failed') return { phase: 'failed', reason: record.error ?? 'unknown error' };
    if (!(await pidAlive(pid))) return { phase: 'failed', reason: `the supervisor (pid ${pid}) exited` };
    await sleep(POLL_MS);
  }
  return { phase: 'failed', reason: `not ready within ${timeoutMs / 1000}s` };
}

async function pidAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/\) Z /.test(stat);
}

function nodeCount(nodes: number): string {
  return nodes === 1 ? '1 node' : `${nodes} nodes`;
}

/** Component logs an error message points at (`see /run/.../logs/kube-apiserver.log`). */
function logsNamedIn(message: string): string[] {
  return [...message.matchAll(/see (\S+\.log)/g)].map((match) => match[1] ?? '');
}

async function logTails(files: readonly string[]): Promise<string> {
  const tails = await Promise.all(
    files.map(async (file) => {
      const text = await readFile(file, 'utf8').catch(() => '');
      const lines = text.trimEnd().split('\n').slice(-LOG_TAIL_LINES);
      return text.trim() === '' ? '' : `\nthe end of ${file}:\n  ${lines.join('\n  ')}`;
    }),
  );
  return tails.join('');
}
