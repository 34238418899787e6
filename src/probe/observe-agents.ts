/**
 * Sending each node its batch through that node's agent session, and keeping what the
 * wire showed: per pair its observations, per destination what the listener check showed.
 * A request the agent never answered is an `error` with the reason, never a verdict.
 */
import type { ProbeResponse } from '../../agent/protocol.js';
import type { BatchPlan } from './agent-batches.js';
import type { AgentSession } from './agent-session.js';
import type { ListenerEvidence } from './judge.js';
import type { Observation } from './result.js';

export interface Observed {
  readonly pairs: Map<string, { observations: Observation[]; settledAfterSeconds?: number }>;
  readonly listeners: Map<string, ListenerEvidence>;
  readonly failures: Map<string, string>;
}

export function emptyObserved(): Observed {
  return { pairs: new Map(), listeners: new Map(), failures: new Map() };
}

/** Runs every batch at once, each through its node's session; `afterEach` may throw to stop the run. */
export async function observe(
  batches: BatchPlan,
  sessions: ReadonlyMap<string, AgentSession>,
  afterEach: () => void = () => undefined,
): Promise<Observed> {
  const observed = emptyObserved();
  await Promise.all(
    [...batches.batches].map(async ([node, batch]) => {
      const ids = batch.requests.map((r) => r.id);
      const session = sessions.get(node);
      if (!session) return failAll(observed, batches, ids, `no agent is running on node ${node}`);
      const answered = new Set<string>();
      const end = await session.run(batch, (response) => {
        if (response.kind !== 'probe') return;
        answered.add(response.id);
        record(observed, batches, response);
      });
      afterEach();
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length === 0) return;
      const why = end.problem ?? end.stderr.trim().slice(0, 300);
      failAll(
        observed,
        batches,
        missing,
        `the agent on ${node} gave no answer (exit ${end.exitCode}): ${why}`,
      );
    }),
  );
  return observed;
}

function record(observed: Observed, batches: BatchPlan, response: ProbeResponse): void {
  const observations = response.attempts.map((a) => (a.observation === 'sent' ? 'timeout' : a.observation));
  const pairKey = batches.probeIds.get(response.id);
  if (pairKey) {
    observed.pairs.set(pairKey, { observations });
    if (response.reason) observed.failures.set(pairKey, response.reason);
  }
  const listener = batches.listenerIds.get(response.id);
  if (listener) observed.listeners.set(listener, listenerEvidence(observations[0]));
}

function listenerEvidence(observation: Observation | undefined): ListenerEvidence {
  if (observation === 'connected') return 'listening';
  if (observation === 'refused') return 'not-listening';
  return 'unknown';
}

function failAll(observed: Observed, batches: BatchPlan, ids: readonly string[], reason: string): void {
  for (const id of ids) {
    const pairKey = batches.probeIds.get(id);
    if (pairKey) {
      observed.pairs.set(pairKey, { observations: ['error'] });
      observed.failures.set(pairKey, reason);
    }
  }
}
