/**
 * The live runner, as named steps: find the agent (at once: it needs no plan), read the
 * cluster, plan, create the pods the plan needs, send each node one batch, judge what
 * came back (settling when asked), and remove what the run made — also when interrupted.
 * Each step logs what it did and how long it took.
 */
import { randomBytes } from 'node:crypto';
import { PolicyEngine } from '../policy/index.js';
import type { ClusterState, Namespace, PolicyVerdict } from '../policy/index.js';
import type { Suite } from '../suite/types.js';
import { planBatches } from './agent-batches.js';
import type { BatchPlan, PairProbe } from './agent-batches.js';
import { judgeAttempts } from './judge.js';
import type { ListenerEvidence } from './judge.js';
import { observe } from './observe-agents.js';
import type { Observed } from './observe-agents.js';
import { planProbes } from './plan.js';
import type { ProbePair, ProbePlan, SyntheticPod } from './plan.js';
import { endpointRef, stateWithSynthetics, trafficOf } from './predict.js';
import type { AgentPod, ClusterSnapshot, LivePod, ProbeCluster, RunPodSpec } from './probe-cluster.js';
import { combineOutcomes } from './result.js';
import type { AssertionResult, PairResult, RunResult } from './result.js';
import { closeAll, openSessions, startAgents } from './start-agents.js';
import type { AgentsStarting } from './start-agents.js';

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
  const log = options.log ?? (() => undefined);
  const run: RunSteps = {
    id: randomBytes(4).toString('hex'),
    started: Date.now(),
    cluster,
    options,
    log,
    signal,
    agents: startAgents(cluster, options.image, options.readyTimeoutMs, log),
    createdObjects: false,
  };
  let result: RunResult;
  try {
    result = await probeAndJudge(suites, run);
  } catch (error) {
    // What the run made goes in any case, but a cleanup failure must not hide why the run stopped.
    await cleanUp(run).catch((cleanupError: unknown) =>
      log(`could not remove everything this run made: ${messageOf(cleanupError)}`),
    );
    throw error;
  }
  await cleanUp(run);
  return result;
}

/** What the steps share: the run's identity, where it logs, and what it has made so far. */
interface RunSteps {
  readonly id: string;
  readonly started: number;
  readonly cluster: ProbeCluster;
  readonly options: LiveRunOptions;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal | undefined;
  readonly agents: AgentsStarting;
  createdObjects: boolean;
}

async function probeAndJudge(suites: readonly Suite[], run: RunSteps): Promise<RunResult> {
  const snapshot = await timed(run, 'read the cluster', () => run.cluster.snapshot(), describeSnapshot);
  checkAborted(run.signal);
  const plan = planProbes(suites, snapshot.state);
  const probes = pairProbes(plan);
  const control = [...plan.pairs.values()].some((p) => p.destination.kind === 'address')
    ? controlPod(run.id)
    : undefined;
  const pods = await createRunObjects(run, plan, snapshot, control);
  checkAborted(run.signal);
  const agents = await run.agents.agents;
  const sessions = await run.agents.sessions();
  checkAborted(run.signal);
  const controlLive = control ? pods.get(`${control.pod.namespace}/${control.pod.name}`) : undefined;
  const batches = planBatches({ probes, pods, ...(controlLive ? { control: controlLive } : {}) });
  run.log(`probing ${probes.length} pair(s) through ${batches.batches.size} agent(s)`);
  const observed = await timed(
    run,
    'probed',
    () =>
      untilAborted(
        observe(batches, sessions, () => checkAborted(run.signal)),
        run.signal,
      ),
    () => `${probes.length} pair(s)`,
  );
  const settled = await settle(plan, probes, pods, batches, observed, agents, run);
  const state = stateWithSynthetics(snapshot.state, plan);
  const verdictOf = lazyVerdicts(state);
  return {
    mode: 'run',
    target: run.cluster.name,
    suites: plan.suites.map(({ suite, assertions }) => ({
      suite,
      assertions: assertions.map((planned) =>
        assertionResult(planned, settled, batches, state, verdictOf, run.options.explain),
      ),
      durationMs: Date.now() - run.started,
    })),
    durationMs: Date.now() - run.started,
  };
}

/** The probe pods and namespaces the plan needs, Ready, with every live pod; nothing to do for most runs. */
async function createRunObjects(
  run: RunSteps,
  plan: ProbePlan,
  snapshot: ClusterSnapshot,
  control: ReturnType<typeof controlPod> | undefined,
): Promise<ReadonlyMap<string, LivePod>> {
  const namespaces = [...newNamespaces(plan, snapshot.state), ...(control ? [control.namespace] : [])];
  const pods: RunPodSpec[] = [
    ...plan.syntheticPods.map((pod) => ({ pod, role: pod.role })),
    ...(control ? [{ pod: control.pod, role: control.pod.role }] : []),
  ];
  if (namespaces.length === 0 && pods.length === 0) return snapshot.pods;
  run.createdObjects = true;
  run.log(`creating ${pods.length} probe pod(s) for run ${run.id}`);
  const creation = timed(
    run,
    'created',
    () =>
      run.cluster.createRunObjects(run.id, namespaces, pods, run.options.readyTimeoutMs, run.options.image),
    () => `${pods.length} probe pod(s) and ${namespaces.length} namespace(s), Ready`,
  );
  run.agents.renewAfter(creation);
  const created = await creation;
  return new Map([...snapshot.pods, ...created]);
}

/** Closes the agent sessions, then removes the run's objects and, unless kept, the agent. */
async function cleanUp(run: RunSteps): Promise<void> {
  await run.agents.close();
  if (run.createdObjects) {
    await timed(
      run,
      'removed',
      () => run.cluster.removeRunObjects(run.id),
      () => `the run's pods and namespaces (run ${run.id})`,
    );
  }
  if (!run.options.keepAgent) await run.cluster.removeAgent();
}

/** Runs a step and logs what it did with how long it took. */
async function timed<T>(
  run: RunSteps,
  step: string,
  action: () => Promise<T>,
  describe: (value: T) => string,
): Promise<T> {
  const started = Date.now();
  const value = await action();
  run.log(`${step}: ${describe(value)} (${Date.now() - started} ms)`);
  return value;
}

function describeSnapshot(snapshot: ClusterSnapshot): string {
  const { namespaces, policies } = snapshot.state;
  return `${snapshot.pods.size} running pod(s) in ${namespaces.length} namespace(s), ${policies.length} NetworkPolicy(ies)`;
}

/** The model's verdict per pair, for explanations: the engine is built once, and only if a pair needs it. */
function lazyVerdicts(state: ClusterState): (pair: ProbePair) => PolicyVerdict {
  let engine: PolicyEngine | undefined;
  return (pair) => {
    engine ??= new PolicyEngine(state);
    return engine.verdict(trafficOf(pair));
  };
}

/** Policy changes take time to reach the data plane: retry the pairs that disagree. */
async function settle(
  plan: ProbePlan,
  probes: readonly PairProbe[],
  pods: ReadonlyMap<string, LivePod>,
  batches: BatchPlan,
  observed: Observed,
  agents: ReadonlyMap<string, AgentPod>,
  run: RunSteps,
): Promise<Observed> {
  const { settleSeconds } = run.options;
  if (settleSeconds <= 0) return observed;
  const started = Date.now();
  const expected = expectations(plan);
  for (;;) {
    const pending = probes.filter((p) => disagrees(p.pair, batches, observed, expected));
    const elapsed = (Date.now() - started) / 1000;
    if (pending.length === 0 || elapsed >= settleSeconds) return observed;
    run.log(`settling: ${pending.length} pair(s) still disagree after ${elapsed.toFixed(1)}s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sessions = openSessions(run.cluster, agents);
    const retry = await observe(planBatches({ probes: pending, pods }), sessions, () =>
      checkAborted(run.signal),
    ).finally(() => closeAll(sessions.values()));
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
  verdictOf: (pair: ProbePair) => PolicyVerdict,
  explain: LiveRunOptions['explain'],
): AssertionResult {
  const { assertion } = planned;
  if (assertion.skip !== undefined)
    return { assertion, outcome: 'skip', pairs: [], reason: assertion.skip, durationMs: 0 };
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
      ...(outcome !== 'pass' ? { explanation: explain(verdictOf(pair), state) } : {}),
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

/**
 * Ctrl-C must not wait for probes in flight (up to attempts x timeout): cleanup starts at
 * once, and the abandoned exec ends by itself when the agent's last probe times out.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  work.catch(() => undefined); // abandoned on abort: its later failure is not news
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      const interrupted = (): void => reject(new RunInterrupted('interrupted'));
      if (signal.aborted) interrupted();
      else signal.addEventListener('abort', interrupted, { once: true });
    }),
  ]);
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted('interrupted');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
