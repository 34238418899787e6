/**
 * Sending each node its batch through that node's agent session, and making each pair's
 * record as the answers stream in: once its probe, its destination's listener check and
 * (UDP to a pod) its destination's capture have answered, or their agent has ended.
 * A batch's held requests (UDP sends to captures on other nodes) are released (`go`) once
 * the agents holding those captures listen (`# ready`) or have ended: one exec per node,
 * and every agent gets ready at the same time. Each capture is stopped as soon as
 * its sender has answered: a datagram that never arrives costs the sender's timeout, not
 * the capture's whole window. A request the agent never answered is an `error` with the
 * reason, never a verdict.
 */
import type { AgentBatch, AgentResponse, CaptureResponse } from '../../agent/protocol.js';
import { capturedObservation } from '../run/index.js';
import type { CaptureSight, ListenerEvidence, Observation, PairObservation } from '../run/index.js';
import type { BatchPlan, CaptureRoute, PairProbe, PairRoute, ProbedRoute } from './agent-batches.js';
import type { AgentSession, SessionEnd } from './agent-session.js';

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

interface BatchContext {
  readonly waiting: ReadonlyMap<string, PendingPair[]>;
  readonly settle: (pending: PendingPair) => void;
  readonly afterEach: () => void;
}

/**
 * Runs every batch at once, each through its node's session, and hands over each probed
 * pair's record as soon as it is whole; `afterEach` may throw to stop the run. A batch's
 * held sends (UDP to captures on other nodes) are released once those nodes' agents
 * listen: every agent gets ready at the same time, none waits for another to start.
 */
export async function observe(
  plan: BatchPlan,
  sessions: ReadonlyMap<string, AgentSession>,
  deliver: (record: PairObservation, probe: PairProbe) => void,
  afterEach: () => void = () => undefined,
): Promise<void> {
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
  const readyOf = new Map<string, () => void>();
  for (const node of plan.batches.keys())
    listening.set(node, new Promise<void>((resolve) => readyOf.set(node, resolve)));
  const runs = [...plan.batches].map(([node, batch]) => {
    const session = sessions.get(node);
    const ready = readyOf.get(node) ?? (() => undefined);
    const held = heldCaptureNodes(batch, plan.routes);
    if (held.length > 0) void Promise.all(held.map((at) => listening.get(at))).then(() => session?.release());
    return runBatch(node, batch, session, context, ready).finally(ready);
  });
  await Promise.all(runs);
}

/** The nodes whose captures a batch's held sends go to. */
function heldCaptureNodes(batch: AgentBatch, routes: readonly PairRoute[]): string[] {
  const held = new Set(
    batch.requests.flatMap((request) =>
      request.kind === 'probe' && request.hold === true ? [request.id] : [],
    ),
  );
  if (held.size === 0) return [];
  const nodes = new Set<string>();
  for (const route of routes)
    if (route.kind === 'probed' && route.capture !== undefined && held.has(route.request))
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
  const how = end.exitCode === undefined ? 'its exec was cut' : `exit ${end.exitCode}`;
  fail(missing, `the agent on ${node} gave no answer (${how}): ${whyEnded(end)}`);
}

/** What the agent said when it ended, or, killed without a word, by what. */
function whyEnded(end: SessionEnd): string {
  const said = end.problem ?? end.stderr.trim().slice(0, 300);
  if (said !== '' || end.exitCode === undefined || end.exitCode <= 128) return said;
  // 128 + N: killed by signal N, as when its pod is deleted (9) or the node stops it (15).
  return `it was killed (signal ${end.exitCode - 128}), as when its pod is deleted`;
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
