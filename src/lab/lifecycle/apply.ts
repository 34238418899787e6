/** `lab apply -f DIR`: more manifests (and outside hosts) for a running lab. */
import { labPaths } from '../names/index.js';
import { applyToLab } from './apply-to-lab.js';
import type { Applied } from './apply-to-lab.js';
import { badManifests, nameProblem, readyLab } from './failure.js';
import type { LabFailure, Progress } from './failure.js';
import { labManifestProblems, readLabManifests } from './read-manifests.js';
import type { LabManifests } from './read-manifests.js';

export interface LabApplyOptions {
  readonly lab: string;
  readonly manifests: readonly string[];
  readonly stateRoot?: string;
  readonly waitTimeoutMs: number;
  readonly progress: Progress;
}

export async function labApply(options: LabApplyOptions): Promise<Applied | LabFailure> {
  const badName = nameProblem(options.lab);
  if (badName !== undefined) return badName;
  const manifests = await readValidManifests(options.manifests);
  if (!('apiObjects' in manifests)) return manifests;
  const paths = labPaths(options.lab, options.stateRoot);
  const ready = await readyLab(options.lab, paths);
  if (!ready.ok) return ready;
  return applyToLab(paths, manifests, options.waitTimeoutMs, options.progress);
}

/** Manifests with every problem reported at once, outside hosts included. */
export async function readValidManifests(paths: readonly string[]): Promise<LabManifests | LabFailure> {
  const manifests = await readLabManifests(paths);
  const problems = labManifestProblems(manifests);
  return problems.length > 0 ? badManifests(problems) : manifests;
}
