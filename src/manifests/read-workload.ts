/** Workload objects: the pod template each one stamps out, and how many times. */
import type { WorkloadKind } from '../policy/index.js';
import type { SourceLocation } from '../shared/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import type { FieldPath } from './manifest-object.js';
import { objectName, objectNamespace } from './object-identity.js';
import { readOwnerReference } from './pod-draft.js';
import type { OwnerReference } from './pod-draft.js';
import { readPodTemplate } from './pod-template.js';
import type { PodTemplate } from './pod-template.js';
import { assertNever } from '../shared/index.js';

/** A count of pods, or one per node the template may run on (DaemonSet). */
export type PodCount = { readonly kind: 'replicas'; readonly count: number } | { readonly kind: 'perNode' };

export interface Workload {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly template: PodTemplate;
  readonly pods: PodCount;
  /** A ReplicaSet's Deployment, a Job's CronJob. */
  readonly ownerReference?: OwnerReference;
  readonly location: SourceLocation;
}

export function readWorkload(kind: WorkloadKind, object: JsonObject, reader: FieldReader): Workload {
  const spec = reader.object(object.spec, ['spec']) ?? {};
  const ownerReference = readOwnerReference(object, reader);
  const { template, pods } = templateAndCount(kind, spec, reader);
  return {
    kind,
    namespace: objectNamespace(object),
    name: objectName(object),
    template,
    pods,
    ...(ownerReference === undefined ? {} : { ownerReference }),
    location: reader.location,
  };
}

function templateAndCount(
  kind: WorkloadKind,
  spec: JsonObject,
  reader: FieldReader,
): { template: PodTemplate; pods: PodCount } {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      const count = reader.count(spec.replicas, ['spec', 'replicas']) ?? 1;
      return {
        template: readPodTemplate(spec.template, ['spec', 'template'], reader),
        pods: { kind: 'replicas', count },
      };
    }
    case 'DaemonSet':
      return {
        template: readPodTemplate(spec.template, ['spec', 'template'], reader),
        pods: { kind: 'perNode' },
      };
    case 'Job':
      return jobTemplateAndCount(spec, ['spec'], reader);
    case 'CronJob': {
      const jobTemplate = reader.object(spec.jobTemplate, ['spec', 'jobTemplate']) ?? {};
      const jobSpec = reader.object(jobTemplate.spec, ['spec', 'jobTemplate', 'spec']) ?? {};
      return jobTemplateAndCount(jobSpec, ['spec', 'jobTemplate', 'spec'], reader);
    }
    default:
      return assertNever(kind);
  }
}

/** A Job runs `parallelism` pods at once (default 1), never more than it has completions to do. */
function jobTemplateAndCount(
  jobSpec: JsonObject,
  path: FieldPath,
  reader: FieldReader,
): { template: PodTemplate; pods: PodCount } {
  const parallelism = reader.count(jobSpec.parallelism, [...path, 'parallelism']) ?? 1;
  const completions = reader.count(jobSpec.completions, [...path, 'completions']) ?? parallelism;
  const template = readPodTemplate(jobSpec.template, [...path, 'template'], reader);
  return { template, pods: { kind: 'replicas', count: Math.min(parallelism, completions) } };
}
