/**
 * The supervisor's record in the lab's state folder (supervisor.json): how far it got
 * (`starting`, `ready`, `failed`), where the API server is, and every process it
 * started, written before anything else is done with them. `lab up` waits on it, `lab
 * status` reads it, and `lab down` uses it to stop everything, even after a SIGKILL.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { LabPaths } from '../names/index.js';
import type { RecordedProcess } from './process-table.js';

export type SupervisorPhase = 'starting' | 'ready' | 'failed' | 'stopping';

export interface SupervisorRecord {
  readonly lab: string;
  readonly phase: SupervisorPhase;
  /** Why the lab could not start (phase `failed`). */
  readonly error?: string;
  readonly supervisor: RecordedProcess;
  readonly cni: string;
  readonly nodes: readonly string[];
  readonly kubeconfig: string;
  readonly server?: string;
  readonly kubeletPort?: number;
  /** Every port the lab listens on (127.0.0.1): etcd's two, kube-apiserver's, the kubelet's. */
  readonly ports?: readonly number[];
  readonly processes: readonly RecordedProcess[];
  readonly startedAt: string;
  /** Milliseconds from the supervisor's start to `ready`. */
  readonly readyAfterMs?: number;
}

export async function readSupervisorRecord(paths: LabPaths): Promise<SupervisorRecord | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(paths.record, 'utf8'));
    return isSupervisorRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isSupervisorRecord(value: unknown): value is SupervisorRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.lab === 'string' && typeof record.phase === 'string' && Array.isArray(record.processes)
  );
}

/** Writes the record whole, one write at a time, each by an atomic rename. */
export class SupervisorRecordWriter {
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly paths: LabPaths,
    private current: SupervisorRecord,
  ) {}

  get record(): SupervisorRecord {
    return this.current;
  }

  update(change: Partial<SupervisorRecord>): Promise<void> {
    this.current = { ...this.current, ...change };
    const snapshot = this.current;
    const write = this.written.then(() => this.write(snapshot));
    this.written = write.catch(() => undefined);
    return write;
  }

  addProcess(recorded: RecordedProcess): Promise<void> {
    return this.update({ processes: [...this.current.processes, recorded] });
  }

  private async write(record: SupervisorRecord): Promise<void> {
    const temporary = `${this.paths.record}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, this.paths.record);
  }
}
