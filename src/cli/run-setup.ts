/**
 * The suites' `setup:` around a live run: before anything is planned, the setup objects
 * are applied (those the run makes labelled with its token) and their pods waited for,
 * `body` runs, and what the run made is removed again, also when `body` fails or the
 * run is interrupted. In the lab, the setup's outside hosts (`kind: ExternalHost`) go to
 * the lab's data plane and stay, as `lab apply` leaves them; another cluster has no
 * outside hosts to make, and they are left out with a note.
 */
import { ClusterUnavailableError, SetupObjects } from '../cluster/index.js';
import { askSupervisor } from '../lab/index.js';
import { RunInterrupted } from '../probe/index.js';
import type { ConnectedCluster } from './connect-cluster.js';
import type { SuiteSetup } from './suite-setup.js';

export interface RunSetupOptions {
  readonly readyTimeoutMs: number;
  readonly log: (line: string) => void;
}

const SUPERVISOR_ANSWER_MS = 60_000;

export async function withSetupApplied<T>(
  setup: SuiteSetup,
  runToken: string,
  target: ConnectedCluster,
  options: RunSetupOptions,
  signal: AbortSignal,
  body: () => Promise<T>,
): Promise<T> {
  if (setup.files.length === 0) return body();
  await makeOutsideHosts(setup, target, options.log);
  const objects = new SetupObjects(target.kubeConfig, runToken);
  try {
    if (signal.aborted) throw new RunInterrupted('interrupted');
    options.log(
      `setup: applying ${setup.apiObjects.length} object(s) from ${setup.files.length} file(s) (run ${runToken})`,
    );
    const applied = await objects.apply(setup.apiObjects, { readyTimeoutMs: options.readyTimeoutMs, signal });
    options.log(
      `setup: ${applied.created.length} object(s) created, ${applied.kept.length} already there (kept), ` +
        `Ready after ${applied.readyAfterMs} ms`,
    );
    return await body();
  } finally {
    const made = objects.created.length;
    if (made > 0) {
      options.log(`setup: removing the ${made} object(s) this run created (run ${runToken})`);
      // A failed removal must not hide how the run ended; `clean` finds what is left by its label.
      await objects
        .remove()
        .catch((error: unknown) =>
          options.log(
            `${error instanceof Error ? error.message : String(error)}; "netpol-assert clean" removes them`,
          ),
        );
    }
  }
}

/** The lab makes outside hosts (added, or replaced by name) and keeps them; elsewhere there is nothing to make. */
async function makeOutsideHosts(
  setup: SuiteSetup,
  target: ConnectedCluster,
  log: (line: string) => void,
): Promise<void> {
  const hosts = setup.outsideHosts;
  if (hosts.length === 0) return;
  const names = hosts.map((host) => `${host.name} (${host.address})`).join(', ');
  if (target.labSocket === undefined) {
    log(`setup: ExternalHost ${names} left out: outside hosts are the lab's (--lab)`);
    return;
  }
  const answer = await askSupervisor(
    target.labSocket,
    { op: 'apply-external-hosts', hosts },
    SUPERVISOR_ANSWER_MS,
  ).catch((error: unknown) => ({ ok: false as const, error: String(error) }));
  if (!answer.ok)
    throw new ClusterUnavailableError(`the lab could not make the setup's outside hosts: ${answer.error}`);
  log(`setup: outside hosts ${names}`);
}
