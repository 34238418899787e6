/**
 * Whether a node can take part in a run, from its Ready condition: a node whose kubelet
 * has stopped reporting (Unknown, set by the node controller), reports NotReady (False),
 * or never reported at all starts no agent and answers no exec, so waiting for its agent
 * only waits out --ready-timeout. Its pods' pairs are inconclusive with this reason.
 */
import type { V1Node } from '@kubernetes/client-node';

/** Why the node is not Ready, or undefined when it is. */
export function nodeNotReadyReason(node: V1Node): string | undefined {
  const name = node.metadata?.name ?? '';
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (ready === undefined) return `node ${name} has never reported Ready (no kubelet has registered it)`;
  if (ready.status === 'True') return undefined;
  const state = ready.status === 'Unknown' ? 'not reporting' : 'NotReady';
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  return `node ${name} is ${state}${why === '' ? '' : ` (${why})`}`;
}

/** The nodes that are not Ready, each with why, by name. */
export function notReadyNodes(nodes: readonly V1Node[]): Map<string, string> {
  const notReady = new Map<string, string>();
  for (const node of nodes) {
    const reason = nodeNotReadyReason(node);
    if (reason !== undefined) notReady.set(node.metadata?.name ?? '', reason);
  }
  return notReady;
}
