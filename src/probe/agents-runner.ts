/**
 * The agents runner: a plan's pairs probed through the agent on each node, one batch per
 * node, each pair's record handed over as soon as its answers are in. With `--settle S`
 * a pair that disagrees with its expectation is held back and probed again until it
 * agrees or S seconds have passed: plugins apply policy changes late.
 */
import type { ProbePlan } from '../plan/index.js';
import { judgeAttempts } from '../run/index.js';
import type { PairObservation, Runner } from '../run/index.js';
import { pairProbes, planBatches } from './agent-batches.js';
import type { PairProbe } from './agent-batches.js';
import type { AgentSession } from './agent-session.js';
import { checkAborted, timed, untilAborted } from './interruption.js';
import { observe, unprobeableRecord } from './observe-agents.js';
import type { OutsideHosts } from './outside-sources.js';
import type { AgentPod, LivePod, ProbeCluster } from './probe-cluster.js';
import { closeAll, openSessions } from './start-agents.js';

export interface AgentsRunnerInputs {
  readonly cluster: ProbeCluster;
  /** Every live pod, the run's own included, by `namespace/name`. */
  readonly pods: ReadonlyMap<string, LivePod>;
  /** A pod in a namespace no policy selects, to show outside addresses reachable. */
  readonly control?: LivePod;
  /** The lab's outside hosts, to send from when an address is a source. */
  readonly outsideHosts?: OutsideHosts;
  /** Nodes that are not Ready, each with why: pairs with a pod there are inconclusive. */
  readonly notReadyNodes?: ReadonlyMap<string, string>;
  /** One Ready agent per node, by node name, for settling's new sessions. */
  readonly agents: ReadonlyMap<string, AgentPod>;
  /** An open session per agent, by node name, waiting for its batch. */
  readonly sessions: ReadonlyMap<string, AgentSession>;
  /** Retry pairs that disagree with their expectation until this many seconds have passed. */
  readonly settleSeconds: number;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

/** A record with the probe it answers, while it may still be retried. */
interface Held {
  readonly record: PairObservation;
  readonly probe: PairProbe;
}

export function agentsRunner(inputs: AgentsRunnerInputs): Runner {
  return {
    mode: 'run',
    target: inputs.cluster.name,
    concurrent: true,
    async observe(plan, deliver) {
      // After an interrupt the run is abandoned: nothing more reaches its report.
      const live = (record: PairObservation): void => {
        if (inputs.signal?.aborted !== true) deliver(record);
      };
      await probeAndSettle(plan, inputs, live);
    },
  };
}

async function probeAndSettle(
  plan: ProbePlan,
  inputs: AgentsRunnerInputs,
  deliver: (record: PairObservation) => void,
): Promise<void> {
  const { pods, control, outsideHosts, notReadyNodes, sessions, signal, log } = inputs;
  const probes = pairProbes(plan);
  const batches = planBatches({
    probes,
    pods,
    ...(control ? { control } : {}),
    ...(outsideHosts ? { outsideHosts } : {}),
    ...(notReadyNodes ? { notReadyNodes } : {}),
  });
  for (const route of batches.routes) if (route.kind === 'unprobeable') deliver(unprobeableRecord(route));
  log(`probing ${probes.length} pair(s) through ${batches.batches.size} agent(s)`);
  const started = performance.now();
  const held: Held[] = [];
  const settling = inputs.settleSeconds > 0;
  await timed(
    log,
    'probed',
    () =>
      untilAborted(
        observe(
          batches,
          sessions,
          (record, probe) =>
            settling && disagrees(record, probe) ? held.push({ record, probe }) : deliver(record),
          () => checkAborted(signal),
        ),
        signal,
      ),
    () => `${probes.length} pair(s)`,
  );
  await settle(held, inputs, started, deliver);
}

/** Policy changes take time to reach the data plane: retry the pairs that disagree. */
async function settle(
  held: readonly Held[],
  inputs: AgentsRunnerInputs,
  probingStarted: number,
  deliver: (record: PairObservation) => void,
): Promise<void> {
  const { cluster, agents, pods, control, outsideHosts, notReadyNodes, signal, log } = inputs;
  const started = Date.now();
  let pending = held;
  for (;;) {
    const elapsed = (Date.now() - started) / 1000;
    if (pending.length === 0 || elapsed >= inputs.settleSeconds) break;
    log(`settling: ${pending.length} pair(s) still disagree after ${elapsed.toFixed(1)}s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const retry = planBatches({
      probes: pending.map((p) => p.probe),
      pods,
      ...(control ? { control } : {}),
      ...(outsideHosts ? { outsideHosts } : {}),
      ...(notReadyNodes ? { notReadyNodes } : {}),
    });
    const next: Held[] = [];
    for (const route of retry.routes) if (route.kind === 'unprobeable') deliver(unprobeableRecord(route));
    const sessions = openSessions(cluster, agents);
    await observe(
      retry,
      sessions,
      (answer, probe) => {
        // Long as it took since the first probe, the waits included.
        const record = {
          ...answer,
          durationMs: performance.now() - probingStarted,
          settledAfterSeconds: Math.round((Date.now() - started) / 100) / 10,
        };
        if (disagrees(record, probe)) next.push({ record, probe });
        else deliver(record);
      },
      () => checkAborted(signal),
    ).finally(() => closeAll(sessions.values()));
    pending = next;
  }
  for (const { record } of pending) deliver(record);
}

function disagrees(record: PairObservation, probe: PairProbe): boolean {
  return judgeAttempts(record.observations, record.listener ?? 'unknown', probe.expect).outcome !== 'pass';
}
