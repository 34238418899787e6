/**
 * Waiting for the agent's pods, node by node. A run needs the agent only on the nodes
 * it probes through, and never gets one on a node that is not Ready: it waits for the
 * agent on every Ready node until the run says which nodes it needs (`wanted`), then
 * for those only. When the time is up, the nodes whose agent is Ready are enough (the
 * others' pairs are inconclusive); none at all is a cluster the run cannot use.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { AgentPod, LivePod } from '../probe/index.js';
import { imagePullFailures } from './image-pull-failure.js';
import type { ImagePullFailure } from './image-pull-failure.js';
import { notReadyNodes } from './node-readiness.js';

export interface AgentWait {
  readonly nodes: readonly V1Node[];
  /** The nodes the run probes through, once it knows them. */
  readonly wanted?: Promise<ReadonlySet<string>>;
  /** The agent's pods as listed now. */
  readonly list: () => Promise<readonly V1Pod[]>;
  /** A listed pod as the run sees it (Ready or not). */
  readonly live: (pod: V1Pod) => LivePod;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

export type AgentWaitOutcome =
  | { readonly kind: 'ready'; readonly agents: ReadonlyMap<string, AgentPod> }
  /** An awaited node's agent cannot pull its image: it will not come, however long the wait. */
  | { readonly kind: 'unpullable'; readonly failures: readonly ImagePullFailure[] }
  /** Not one awaited node had a Ready agent in time. */
  | { readonly kind: 'none-ready'; readonly awaited: readonly string[] };

export async function waitForAgents(wait: AgentWait): Promise<AgentWaitOutcome> {
  const notReady = notReadyNodes(wait.nodes);
  const readyNodes = wait.nodes
    .map((node) => node.metadata?.name ?? '')
    .filter((name) => !notReady.has(name));
  let wanted: ReadonlySet<string> | undefined;
  // A run that fails before it knows its nodes needs none: stop waiting for any.
  const known = (wait.wanted ?? new Promise<never>(() => undefined)).then(
    (nodes) => void (wanted = nodes),
    () => void (wanted = new Set()),
  );
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const pods = await wait.list();
    const agents = readyAgents(pods, wait.live);
    const awaited = wanted === undefined ? readyNodes : readyNodes.filter((name) => wanted?.has(name));
    if (awaited.every((name) => agents.has(name))) return { kind: 'ready', agents };
    const onAwaited = pods.filter((pod) => awaited.includes(pod.spec?.nodeName ?? ''));
    const failures = imagePullFailures(onAwaited);
    if (failures.length > 0) return { kind: 'unpullable', failures };
    if (Date.now() > deadline) {
      return awaited.some((name) => agents.has(name))
        ? { kind: 'ready', agents }
        : { kind: 'none-ready', awaited };
    }
    // The next poll, or sooner the moment the run says which nodes it needs.
    const poll = new Promise((resolve) => setTimeout(resolve, wait.pollMs));
    await Promise.race(wanted === undefined ? [known, poll] : [poll]);
  }
}

/** One Ready agent pod per node, by node name. */
function readyAgents(pods: readonly V1Pod[], live: (pod: V1Pod) => LivePod): Map<string, AgentPod> {
  const agents = new Map<string, AgentPod>();
  for (const pod of pods.map(live)) {
    if (pod.ready && pod.nodeName)
      agents.set(pod.nodeName, { nodeName: pod.nodeName, namespace: pod.namespace, name: pod.name });
  }
  return agents;
}
