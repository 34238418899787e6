/**
 * The live runner, as named steps: read the cluster, plan, create the pods the plan
 * needs, make sure every node has an agent, send each node one batch, judge what came
 * back (settling when asked), and remove what the run made — also when interrupted.
 */
import { randomBytes } from 'node:crypto';
import { readAgentOutput, encodeBatch } from '../../agent/protocol.js';
import type { ProbeResponse } from '../../agent/protocol.js';
import { PolicyEngine } from '../policy/index.js';
import type { ClusterState, Namespace, PolicyVerdict } from '../policy/index.js';
import type { Suite } from '../suite/types.js';
import { planBatches } from './agent-batches.js';
import type { BatchPlan, PairProbe } from './agent-batches.js';
import { judgeAttempts } from './judge.js';
import type { ListenerEvidence } from './judge.js';
import { planProbes } from './plan.js';
import type { ProbePair, ProbePlan, SyntheticPod } from './plan.js';
import { endpointRef, stateWithSynthetics, trafficOf } from './predict.js';
import type { AgentPod, LivePod, ProbeCluster } from './probe-cluster.js';
import { combineOutcomes } from './result.js';
import type { AssertionResult, Observation, PairResult, RunResult } from './result.js';

export interface LiveRunOptions {
  readonly image: string;
  readonly readyTimeoutMs: number;
  /** Retry pairs that disagree with their expectation until this many seconds have passed. */
  readonly settleSeconds: number;
  readonly keepAgent: boolean;
  readonly explain: (verdict: PolicyVerdict, state: ClusterState) => string;
  readonly log?: (line: string) => void;
}

/** Thrown by a step when the run was interrupted; cleanup still runs. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
}

export async function runLive(
  suites: readonly Suite[],
  cluster: ProbeCluster,
  options: LiveRunOptions,
  signal?: AbortSignal,
): Promise<RunResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const snapshot = await cluster.snapshot();
  const plan = planProbes(suites, snapshot.state);
  const runId = randomBytes(4).toString('hex');
  const controlNeeded = [...plan.pairs.values()].some((p) => p.destination.kind === 'address');
  const control = controlNeeded ? controlPod(runId) : undefined;
  let agentInstalled = false;
  try {
    checkAborted(signal);
    log(`creating ${plan.syntheticPods.length + (control ? 1 : 0)} probe pod(s) for run ${runId}`);
    const created = await cluster.createRunObjects(
      runId,
      [...newNamespaces(plan, snapshot.state), ...(control ? [control.namespace] : [])],
      [
        ...plan.syntheticPods.map((pod) => ({ pod, role: pod.role })),
        ...(control ? [{ pod: control.pod, role: control.pod.role }] : []),
      ],
      options.readyTimeoutMs,
    );
    checkAborted(signal);
    const pods = new Map([...snapshot.pods, ...created]);
    const agentsBefore = await cluster.ensureAgent(options.image, options.readyTimeoutMs);
    agentInstalled = true;
    checkAborted(signal);
    const probes = pairProbes(plan);
    const controlLive = control ? pods.get(`${control.pod.namespace}/${control.pod.name}`) : undefined;
    const batches = planBatches({ probes, pods, ...(controlLive ? { control: controlLive } : {}) });
    log(`probing ${probes.length} pair(s) through ${batches.batches.size} agent(s)`);
    const observed = await observe(batches, agentsBefore, cluster, signal);
    const settled = await settle(
      plan,
      probes,
      pods,
      batches,
      observed,
      agentsBefore,
      cluster,
      options,
      signal,
    );
    const state = stateWithSynthetics(snapshot.state, plan);
    return {
      mode: 'run',
      target: cluster.name,
      suites: plan.suites.map(({ suite, assertions }) => ({
        suite,
        assertions: assertions.map((planned) =>
          assertionResult(planned, settled, batches, state, options.explain),
        ),
        durationMs: Date.now() - started,
      })),
      durationMs: Date.now() - started,
    };
  } finally {
    log(`removing the run's pods and namespaces (run ${runId})`);
    await cluster.removeRunObjects(runId);
    if (agentInstalled && !options.keepAgent) await cluster.removeAgent();
  }
}

/** What the wire showed, per pair, and what the listener checks showed, per destination. */
interface Observed {
  readonly pairs: Map<string, { observations: Observation[]; settledAfterSeconds?: number }>;
  readonly listeners: Map<string, ListenerEvidence>;
  readonly failures: Map<string, string>;
}

async function observe(
  batches: BatchPlan,
  agents: ReadonlyMap<string, AgentPod>,
  cluster: ProbeCluster,
  signal: AbortSignal | undefined,
): Promise<Observed> {
  const observed: Observed = { pairs: new Map(), listeners: new Map(), failures: new Map() };
  await Promise.all(
    [...batches.batches].map(async ([node, batch]) => {
      const agent = agents.get(node);
      const ids = batch.requests.map((r) => r.id);
      if (!agent) return failAll(observed, batches, ids, `no agent is running on node ${node}`);
      const result = await cluster.execInAgent(agent, ['netpol-assert-agent', 'probe'], encodeBatch(batch));
      checkAborted(signal);
      const responses = readAgentOutput(result.stdout).flatMap((e) =>
        e.kind === 'result' ? [e.response] : [],
      );
      const seen = new Set<string>();
      for (const response of responses) {
        if (response.kind !== 'probe') continue;
        seen.add(response.id);
        record(observed, batches, response);
      }
      const missing = ids.filter((id) => !seen.has(id));
      if (missing.length > 0) {
        failAll(
          observed,
          batches,
          missing,
          `the agent on ${node} gave no answer (exit ${result.exitCode}): ${result.stderr.trim().slice(0, 300)}`,
        );
      }
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

/** Policy changes take time to reach the data plane: retry the pairs that disagree. */
async function settle(
  plan: ProbePlan,
  probes: readonly PairProbe[],
  pods: ReadonlyMap<string, LivePod>,
  batches: BatchPlan,
  observed: Observed,
  agents: ReadonlyMap<string, AgentPod>,
  cluster: ProbeCluster,
  options: LiveRunOptions,
  signal: AbortSignal | undefined,
): Promise<Observed> {
  if (options.settleSeconds <= 0) return observed;
  const started = Date.now();
  const expected = expectations(plan);
  for (;;) {
    const pending = probes.filter((p) => disagrees(p.pair, batches, observed, expected));
    const elapsed = (Date.now() - started) / 1000;
    if (pending.length === 0 || elapsed >= options.settleSeconds) return observed;
    options.log?.(`settling: ${pending.length} pair(s) still disagree after ${elapsed.toFixed(1)}s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const retry = await observe(planBatches({ probes: pending, pods }), agents, cluster, signal);
    for (const [key, value] of retry.listeners) observed.listeners.set(key, value);
    for (const [key, value] of retry.pairs) {
      observed.pairs.set(key, {
        ...value,
        settledAfterSeconds: Math.round((Date.now() - started) / 100) / 10,
      });
    }
  }
}

function disagrees(
  pair: ProbePair,
  batches: BatchPlan,
  observed: Observed,
  expected: ReadonlyMap<string, 'allow' | 'deny'>,
): boolean {
  const seen = observed.pairs.get(pair.key);
  const want = expected.get(pair.key);
  if (!seen || !want) return false;
  const listener = listenerFor(pair, batches, observed);
  return judgeAttempts(seen.observations, listener, want).outcome !== 'pass';
}

function expectations(plan: ProbePlan): Map<string, 'allow' | 'deny'> {
  const expected = new Map<string, 'allow' | 'deny'>();
  for (const { assertions } of plan.suites) {
    for (const { assertion, pairs } of assertions)
      for (const pair of pairs) expected.set(pair.key, assertion.expect);
  }
  return expected;
}

/** One probe per pair: the longest timeout and most attempts any assertion asks of it. */
function pairProbes(plan: ProbePlan): PairProbe[] {
  const byKey = new Map<string, PairProbe>();
  for (const { assertions } of plan.suites) {
    for (const { assertion, pairs } of assertions) {
      for (const pair of pairs) {
        const known = byKey.get(pair.key);
        byKey.set(pair.key, {
          pair,
          timeoutMs: Math.max(known?.timeoutMs ?? 0, assertion.timeoutMs),
          attempts: Math.max(known?.attempts ?? 0, assertion.attempts),
        });
      }
    }
  }
  return [...byKey.values()];
}

function assertionResult(
  planned: ProbePlan['suites'][number]['assertions'][number],
  observed: Observed,
  batches: BatchPlan,
  state: ClusterState,
  explain: LiveRunOptions['explain'],
): AssertionResult {
  const { assertion } = planned;
  if (assertion.skip !== undefined)
    return { assertion, outcome: 'skip', pairs: [], reason: assertion.skip, durationMs: 0 };
  const engine = new PolicyEngine(state);
  const pairs = planned.pairs.map((pair): PairResult => {
    const seen = observed.pairs.get(pair.key);
    const blocked = batches.unprobeable.get(pair.key) ?? observed.failures.get(pair.key);
    const observations = seen?.observations ?? ['error'];
    const listener = listenerFor(pair, batches, observed);
    const judged = seen ? judgeAttempts(observations, listener, assertion.expect) : undefined;
    const outcome = judged?.outcome ?? 'inconclusive';
    const reason = blocked ?? judged?.reason;
    return {
      source: endpointRef(pair.source),
      destination: endpointRef(pair.destination),
      port: pair.port,
      protocol: pair.protocol,
      expected: assertion.expect,
      observations,
      outcome,
      ...(reason ? { reason } : {}),
      ...(outcome !== 'pass' ? { explanation: explain(engine.verdict(trafficOf(pair)), state) } : {}),
      ...(seen?.settledAfterSeconds !== undefined ? { settledAfterSeconds: seen.settledAfterSeconds } : {}),
    };
  });
  const outcome = planned.problems.length > 0 ? 'inconclusive' : combineOutcomes(pairs.map((p) => p.outcome));
  const reason = planned.problems.length > 0 ? planned.problems.join('; ') : undefined;
  return { assertion, outcome, pairs, ...(reason ? { reason } : {}), durationMs: 0 };
}

function listenerFor(pair: ProbePair, batches: BatchPlan, observed: Observed): ListenerEvidence {
  const key = batches.listenerOfPair.get(pair.key);
  return (key && observed.listeners.get(key)) || 'unknown';
}

function newNamespaces(plan: ProbePlan, state: ClusterState): Namespace[] {
  const existing = new Set(state.namespaces.map((ns) => ns.name));
  return plan.syntheticNamespaces.filter((ns) => !existing.has(ns.name));
}

/** A pod in a namespace of its own, which no policy selects: it shows outside addresses reachable. */
function controlPod(runId: string): { namespace: Namespace; pod: SyntheticPod } {
  const name = `npa-control-${runId}`;
  return {
    namespace: { name, labels: { 'kubernetes.io/metadata.name': name } },
    pod: {
      namespace: name,
      name: 'control',
      labels: {},
      ips: [],
      hostNetwork: false,
      ports: [],
      role: 'source',
    },
  };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted('interrupted');
}
