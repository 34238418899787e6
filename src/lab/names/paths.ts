/**
 * Where one lab keeps its runtime state: `${XDG_RUNTIME_DIR:-/run}/netpol-assert/<lab>/`,
 * the folder the data plane also writes its `state.json` to. The supervisor adds its own
 * record, the admin kubeconfig, the control plane's pki/ and etcd/, logs/ and the
 * supervisor's control socket. `lab down` removes the whole folder.
 */
import { join } from 'node:path';
import { labNameProblem } from './names.js';

export const DEFAULT_LAB_NAME = 'default';

/** Where every lab's state folder lives: `${XDG_RUNTIME_DIR:-/run}/netpol-assert`. */
export function defaultStateRoot(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  return join(runtime !== undefined && runtime !== '' ? runtime : '/run', 'netpol-assert');
}

/** One lab's state folder; refuses a name that is not a lab name (it ends up on paths). */
export function labStateDir(stateRoot: string, lab: string): string {
  const problem = labNameProblem(lab);
  if (problem !== undefined) throw new Error(problem);
  return join(stateRoot, lab);
}

export interface LabPaths {
  readonly lab: string;
  readonly root: string;
  /** The supervisor's record: phase, pids, ports (supervisor.json). */
  readonly record: string;
  readonly kubeconfig: string;
  readonly logs: string;
  readonly supervisorLog: string;
  /** Unix socket on which the supervisor takes requests (outside hosts, status). */
  readonly socket: string;
}

export function labPaths(lab: string, stateRoot: string = defaultStateRoot()): LabPaths {
  const root = labStateDir(stateRoot, lab);
  return {
    lab,
    root,
    record: join(root, 'supervisor.json'),
    kubeconfig: join(root, 'kubeconfig'),
    logs: join(root, 'logs'),
    supervisorLog: join(root, 'logs', 'supervisor.log'),
    socket: join(root, 'supervisor.sock'),
  };
}
