/**
 * Sending each node its batch through that node's agent session, and making each pair's
 * record as the answers stream in: once its probe, its destination's listener check and
 * (UDP to a pod) its destination's capture have answered, or their agent has ended.
 * A follow-up batch (UDP sends to captures on other nodes) goes once the agents holding
 * its captures listen (`# ready`) or have ended; its session opens at the start, so the
 * exec and the agent's start overlap the first round. Each capture is stopped as soon as
 * its sender has answered: a datagram that never arrives costs the sender's timeout, not
 * the capture's whole window. A request the agent never answered is an `error` with the
 * reason, never a verdict.
 */
import type { AgentBatch, AgentResponse, CaptureResponse } from '../../agent/protocol.js';
import { capturedObservation } from '../run/index.js';
import type { CaptureSight, ListenerEvidence, Observation, PairObservation } from '../run/index.js';
import type { BatchPlan, CaptureRoute, PairProbe, PairRoute, ProbedRoute } from './agent-batches.js';
import type { AgentSession } from './agent-session.js';

/** What came back for a pair's own probe. */
interface ProbeAnswer {
  readonly observations: readonly Observation[];
  readonly problem?: string;
  readonly durationMs: number;
}

/** What the capture in the destination saw of the pair's datagrams, one sight per attempt. */
interface CaptureAnswer {
  readonly sights: readonly CaptureSight[];
  readonly problem?: string;
  readonly durationMs: number;
}

/** Why a datagram seen arriving at a closed port proves nothing. */
export const CLOSED_PORT_SEEN =
  'nothing listens on the destination port: the datagram arrived, but a closed port says nothing about policy';

/** A probed pair while its answers come in. */
class PendingPair {
  answer: ProbeAnswer | undefined;
  listener: ListenerEvidence | undefined;
  captured: CaptureAnswer | undefined;
  /** Its capture was told to stop (the sender is done). */
  stopped = false;
  delivered = false;

  constructor(readonly route: ProbedRoute) {}

  get complete(): boolean {
    return (
      this.answer !== undefined &&
      (this.route.listenerCheck === undefined || this.listener !== undefined) &&
      (this.route.capture === undefined || this.captured !== undefined)
    );
  }

  record(): PairObservation {
    const answer = this.answer ?? { observations: ['error'], durationMs: 0 };
    const listener = this.listener ?? 'unknown';
    const captured = this.captured;
    if (captured === undefined) {
      return {
        pair: this.route.probe.pair,
        observations: answer.observations,
        listener,
        ...(answer.problem === undefined ? {} : { problem: answer.problem }),
        durationMs: answer.durationMs,
      };
    }
    const observations = answer.observations.map((sent, index) =>
      capturedObservation(captured.sights[index] ?? 'error', sent, listener),
    );
    const closedPortSeen = listener === 'not-listening' && captured.sights.includes('seen');
    const problem = answer.problem ?? captured.problem ?? (closedPortSeen ? CLOSED_PORT_SEEN : undefined);
    return {
      pair: this.route.probe.pair,
      observations,
      listener,
      ...(problem === undefined ? {} : { problem }),
      // The pair is known once the capture has answered too.
      durationMs: Math.max(answer.durationMs, captured.durationMs),
    };
  }
}

/** Opens a session for a follow-up batch on a node, or says none can be. */
export type OpenSession = (node: string) => AgentSession | undefined;

interface BatchContext {
  readonly waiting: ReadonlyMap<string, PendingPair[]>;
  readonly settle: (pending: PendingPair) => void;
  readonly afterEach: () => void;
}

/**
 * Runs every batch at once, each through its node's session, then each follow-up through
 * a session `openFollowUp` opened at the start, and hands over each probed pair's record
 * as soon as it is whole; `afterEach` may throw to stop the run.
 */
export async function observe(
  plan: BatchPlan,
  sessions: ReadonlyMap<string, AgentSession>,
  deliver: (record: PairObservation, probe: PairProbe) => void,
  afterEach: () => void = () => undefined,
  openFollowUp: OpenSession = () => undefined,
): Promise<void> {
  const followUpSessions = new Map([...plan.followUps.keys()].map((node) => [node, openFollowUp(node)]));
  const stop = (capture: CaptureRoute): void => sessions.get(capture.node)?.stopCapture(capture.request);
  const settle = (pending: PendingPair): void => {
    if (pending.answer !== undefined && pending.route.capture !== undefined && !pending.stopped) {
      pending.stopped = true;
      stop(pending.route.capture);
    }
    if (pending.delivered || !pending.complete) return;
    pending.delivered = true;
    deliver(pending.record(), pending.route.probe);
  };
  const context: BatchContext = { waiting: waitingByRequest(plan.routes), settle, afterEach };
  const listening = new Map<string, Promise<void>>();
  const firstRound = [...plan.batches].map(([node, batch]) => {
    let ready: () => void = () => undefined;
    listening.set(node, new Promise<void>((resolve) => (ready = resolve)));
    return runBatch(node, batch, sessions.get(node), context, ready).finally(ready);
  });
  const followUps = [...plan.followUps].map(async ([node, batch]) => {
    await Promise.all(captureNodesOf(batch, plan.routes).map((at) => listening.get(at)));
    await runBatch(node, batch, followUpSessions.get(node), context);
  });
  try {
    await Promise.all([...firstRound, ...followUps]);
  } finally {
    // A follow-up that never ran (the run stopped first) must not leave its exec waiting.
    await Promise.all([...followUpSessions.values()].map((session) => session?.close()));
  }
}

/** The nodes whose captures a follow-up batch sends to. */
function captureNodesOf(batch: AgentBatch, routes: readonly PairRoute[]): string[] {
  const ids = new Set(batch.requests.map((request) => request.id));
  const nodes = new Set<string>();
  for (const route of routes)
    if (route.kind === 'probed' && route.capture !== undefined && ids.has(route.request))
      nodes.add(route.capture.node);
  return [...nodes];
}

async function runBatch(
  node: string,
  batch: AgentBatch,
  session: AgentSession | undefined,
  { waiting, settle, afterEach }: BatchContext,
  onReady: () => void = () => undefined,
): Promise<void> {
  const sent = performance.now();
  const fail = (ids: readonly string[], reason: string): void => {
    const durationMs = performance.now() - sent;
    for (const id of ids)
      for (const pending of waiting.get(id) ?? []) {
        if (pending.route.request === id)
          pending.answer = { observations: ['error'], problem: reason, durationMs };
        else if (pending.route.capture?.request === id)
          pending.captured = { sights: [], problem: reason, durationMs };
        else pending.listener = 'unknown';
        settle(pending);
      }
  };
  const ids = batch.requests.map((r) => r.id);
  if (!session) return fail(ids, `no agent is running on node ${node}`);
  const answered = new Set<string>();
  const end = await session.run(
    batch,
    (response) => {
      answered.add(response.id);
      for (const pending of waiting.get(response.id) ?? []) {
        take(pending, response);
        settle(pending);
      }
    },
    onReady,
  );
  afterEach();
  const missing = ids.filter((id) => !answered.has(id));
  if (missing.length === 0) return;
  const why = end.problem ?? end.stderr.trim().slice(0, 300);
  fail(missing, `the agent on ${node} gave no answer (exit ${end.exitCode}): ${why}`);
}

/** The record of a pair no agent can probe: an `error` with the reason, at once. */
export function unprobeableRecord(route: Extract<PairRoute, { kind: 'unprobeable' }>): PairObservation {
  return { pair: route.probe.pair, observations: ['error'], problem: route.reason, durationMs: 0 };
}

/** Each request's pairs: the one it probes, or those whose destination it checks or captures at. */
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
    if (route.capture !== undefined) wait(route.capture.request, pending);
  }
  return waiting;
}

function take(pending: PendingPair, response: AgentResponse): void {
  if (response.kind === 'capture') {
    if (pending.route.capture?.request === response.id) pending.captured = captureAnswer(response);
    return;
  }
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
    pending.listener = listenerEvidence(response.attempts[0]?.observation);
  }
}

function captureAnswer(response: CaptureResponse): CaptureAnswer {
  const failed = response.attempts.find((attempt) => attempt.observation === 'error');
  const why = response.reason ?? failed?.detail;
  return {
    sights: response.attempts.map((attempt) => attempt.observation),
    ...(failed === undefined
      ? {}
      : { problem: `the capture in the destination failed: ${why ?? 'no reason given'}` }),
    durationMs: response.elapsedMs,
  };
}

/**
 * A listener check probes the destination from its own namespace, where no policy acts:
 * an echo, or a datagram sent with no ICMP port-unreachable back (a bound socket that
 * stays silent), shows a listener; a refusal shows none.
 */
function listenerEvidence(
  observation: AgentResponse['attempts'][number]['observation'] | undefined,
): ListenerEvidence {
  if (observation === 'connected' || observation === 'sent') return 'listening';
  if (observation === 'refused') return 'not-listening';
  return 'unknown';
}
