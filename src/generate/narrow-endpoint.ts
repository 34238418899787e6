/**
 * Making an endpoint specific: an assertion holds only when every pair it expands to
 * gives its verdict, so an endpoint that stands for many pods (or for pods the policies
 * treat differently) is narrowed, a step at a time: to one namespace, then to the
 * labels of one pod, then to that pod by name.
 */
import type { Labels, Pod } from '../policy/index.js';
import { formatEndpoint } from '../suite/index.js';
import type { EndpointSpec, PodSpec } from '../suite/index.js';
import type { ClusterView } from './cluster-view.js';
import { podsEndpoint, sortedSelector } from './peer-endpoint.js';

/**
 * Labels a controller sets per revision or per pod: narrowing by them would tie a
 * committed suite to one rollout.
 */
const VOLATILE_LABELS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);

/**
 * The endpoint as is when it stands for at most `max` existing pods; narrowed until it
 * does, around a pod not in `avoid` where possible (a pod is never probed from itself).
 */
export function fitEndpoint(
  spec: EndpointSpec,
  view: ClusterView,
  max: number,
  avoid: ReadonlySet<Pod> = new Set(),
): EndpointSpec {
  let current = spec;
  for (;;) {
    const pods = view.podsMatching(current, max);
    const anchor = pods.find((pod) => !avoid.has(pod)) ?? pods[0];
    if (pods.length <= max || anchor === undefined) return current;
    const narrowed = narrowEndpoint(current, anchor);
    if (narrowed === undefined) return current;
    current = narrowed;
  }
}

/**
 * One step more specific around `pod` (which the endpoint stands for): its namespace by
 * name, then its labels, then its name. Undefined when the endpoint already names it.
 */
export function narrowEndpoint(spec: EndpointSpec, pod: Pod): EndpointSpec | undefined {
  if (spec.kind === 'pods') {
    const namespace = { kind: 'name', name: pod.namespace } as const;
    const inNamespace = podsEndpoint(namespace, spec.pods);
    if (!sameEndpoint(inNamespace, spec)) return inNamespace;
    const labelled = podsEndpoint(namespace, withLabels(spec.pods, stableLabels(pod.labels)));
    if (!sameEndpoint(labelled, spec)) return labelled;
  }
  const pinned: EndpointSpec = { kind: 'pod', namespace: pod.namespace, name: pod.name };
  return sameEndpoint(pinned, spec) ? undefined : pinned;
}

function withLabels(pods: PodSpec, labels: Labels): PodSpec {
  if (Object.keys(labels).length === 0) return pods;
  const selector =
    pods.kind === 'all'
      ? { matchLabels: labels, matchExpressions: [] }
      : { ...pods.selector, matchLabels: { ...labels, ...pods.selector.matchLabels } };
  return { kind: 'selector', selector: sortedSelector(selector) };
}

function stableLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !VOLATILE_LABELS.has(key)));
}

function sameEndpoint(a: EndpointSpec, b: EndpointSpec): boolean {
  return formatEndpoint(a) === formatEndpoint(b);
}
