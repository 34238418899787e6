/**
 * Sending each node its batch through that node's agent session, and making each pair's
 * record as the answers stream in: once its probe and its destination's listener check
 * have answered, or their agent has ended. A request the agent never answered is an
 * `error` with the reason, never a verdict.
 */
import type { ProbeResponse } from '../../agent/protocol.js';
import type { ListenerEvidence, Observation, PairObservation } from '../run/index.js';
import type { BatchPlan, PairProbe, PairRoute, ProbedRoute } from './agent-batches.js';
import type { AgentSession } from './agent-session.js';

/** What came back for a pair's own probe. */
interface ProbeAnswer {
  readonly observations: readonly Observation[];
  readonly problem?: string;
  readonly durationMs: number;
}

/** A probed pair while its answers come in. */
class PendingPair {
  answer: ProbeAnswer | undefined;
  listener: ListenerEvidence | undefined;
  delivered = false;

  constructor(readonly route: ProbedRoute) {}

  get complete(): boolean {
    return (
      this.answer !== undefined && (this.route.listenerCheck === undefined || this.listener !== undefined)
    );
  }

  record(): PairObservation {
    const answer = this.answer ?? { observations: ['error'], durationMs: 0 };
    return {
      pair: this.route.probe.pair,
      observations: answer.observations,
      listener: this.listener ?? 'unknown',
      ...(answer.problem === undefined ? {} : { problem: answer.problem }),
      durationMs: answer.durationMs,
    };
  }
}

/**
 * Runs every batch at once, each through its node's session, and hands over each probed
 * pair's record as soon as it is whole; `afterEach` may throw to stop the run.
 */
export async function observe(
  plan: BatchPlan,
  sessions: ReadonlyMap<string, AgentSession>,
  deliver: (record: PairObservation, probe: PairProbe) => void,
  afterEach: () => void = () => undefined,
): Promise<void> {
  const waiting = waitingByRequest(plan.routes);
  const settle = (pending: PendingPair): void => {
    if (pending.delivered || !pending.complete) return;
    pending.delivered = true;
    deliver(pending.record(), pending.route.probe);
  };
  await Promise.all(
    [...plan.batches].map(async ([node, batch]) => {
      const sent = performance.now();
      const fail = (ids: readonly string[], reason: string): void => {
        const durationMs = performance.now() - sent;
        for (const id of ids)
          for (const pending of waiting.get(id) ?? []) {
            if (pending.route.request === id)
              pending.answer = { observations: ['error'], problem: reason, durationMs };
            else pending.listener = 'unknown';
            settle(pending);
          }
      };
      const ids = batch.requests.map((r) => r.id);
      const session = sessions.get(node);
      if (!session) return fail(ids, `no agent is running on node ${node}`);
      const answered = new Set<string>();
      const end = await session.run(batch, (response) => {
        if (response.kind !== 'probe') return;
        answered.add(response.id);
        for (const pending of waiting.get(response.id) ?? []) {
          take(pending, response);
          settle(pending);
        }
      });
      afterEach();
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length === 0) return;
      const why = end.problem ?? end.stderr.trim().slice(0, 300);
      fail(missing, `the agent on ${node} gave no answer (exit ${end.exitCode}): ${why}`);
    }),
  );
}

/** The record of a pair no agent can probe: an `error` with the reason, at once. */
export function unprobeableRecord(route: Extract<PairRoute, { kind: 'unprobeable' }>): PairObservation {
  return { pair: route.probe.pair, observations: ['error'], problem: route.reason, durationMs: 0 };
}

/** Each request's pairs: the one it probes, or those whose destination it checks. */
function waitingByRequest(routes: readonly PairRoute[]): Map<string, PendingPair[]> {
  const waiting = new Map<string, PendingPair[]>();
  const wait = (id: string, pending: PendingPair): void => {
    const list = waiting.get(id) ?? [];
    list.push(pending);
    waiting.set(id, list);
  };
  for (const route of routes) {
    if (route.kind !== 'probed') continue;
    const pending = new PendingPair(route);
    wait(route.request, pending);
    if (route.listenerCheck !== undefined) wait(route.listenerCheck, pending);
  }
  return waiting;
}

function take(pending: PendingPair, response: ProbeResponse): void {
  const observations = response.attempts.map((a): Observation =>
    a.observation === 'sent' ? 'timeout' : a.observation,
  );
  if (pending.route.request === response.id) {
    pending.answer = {
      observations,
      ...(response.reason ? { problem: response.reason } : {}),
      durationMs: response.elapsedMs,
    };
  } else {
    pending.listener = listenerEvidence(observations[0]);
  }
}

function listenerEvidence(observation: Observation | undefined): ListenerEvidence {
  if (observation === 'connected') return 'listening';
  if (observation === 'refused') return 'not-listening';
  return 'unknown';
}
