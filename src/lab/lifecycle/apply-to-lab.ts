/**
 * Apply read manifests to a running lab, the part `lab up -f` and `lab apply -f` share:
 * outside hosts to the supervisor (the data plane), everything else to the API server,
 * then wait, bounded, for the pods.
 */
import { applyObjects, waitForPods } from '../../cluster/index.js';
import { labKubeConfig } from '../control-plane/index.js';
import { askSupervisor } from '../supervisor/index.js';
import type { LabPaths } from '../names/index.js';
import { badManifests, unavailable } from './failure.js';
import type { LabFailure, Progress } from './failure.js';
import type { LabManifests } from './read-manifests.js';

/** The field manager of what `lab up -f` and `lab apply -f` apply. */
export const LAB_FIELD_MANAGER = 'netpol-assert-lab';

export interface Applied {
  readonly ok: true;
  readonly objects: number;
  readonly externalHosts: number;
  readonly pods: number;
  readonly podsReadyAfterMs: number;
}

const SUPERVISOR_ANSWER_MS = 60_000;

export async function applyToLab(
  paths: LabPaths,
  manifests: LabManifests,
  waitTimeoutMs: number,
  progress: Progress,
): Promise<Applied | LabFailure> {
  if (manifests.externalHosts.length > 0) {
    const hosts = manifests.externalHosts;
    progress(`outside hosts: ${hosts.map((host) => `${host.name} (${host.address})`).join(', ')}`);
    const answer = await askSupervisor(
      paths.socket,
      { op: 'apply-external-hosts', hosts },
      SUPERVISOR_ANSWER_MS,
    ).catch((error: unknown) => ({ ok: false as const, error: String(error) }));
    if (!answer.ok) return unavailable(`the lab could not make the outside hosts: ${answer.error}`);
  }
  const kubeConfig = labKubeConfig(paths.kubeconfig);
  const outcome = await applyObjects(kubeConfig, manifests.apiObjects, LAB_FIELD_MANAGER);
  if (!outcome.ok) return badManifests(outcome.problems);
  if (outcome.applied.length > 0) progress(`applied ${outcome.applied.length} objects; waiting for pods`);
  const started = Date.now();
  const waited = await waitForPods(kubeConfig, outcome.applied, waitTimeoutMs);
  if (!waited.ok)
    return unavailable(
      `not ready after ${Math.round(waitTimeoutMs / 1000)}s:\n  ${waited.waiting.join('\n  ')}\n` +
        `(the lab keeps running; see ${paths.logs})`,
    );
  return {
    ok: true,
    objects: outcome.applied.length,
    externalHosts: manifests.externalHosts.length,
    pods: waited.pods,
    podsReadyAfterMs: Date.now() - started,
  };
}
