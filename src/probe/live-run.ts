/**
 * The live runner, as named steps: find the agent (at once: it needs no plan), read the
 * cluster, plan, create the pods the plan needs, send each node one batch, judge what
 * came back (settling when asked), and remove what the run made — also when interrupted.
 * Each step logs what it did and how long it took.
 */
import { randomBytes } from 'node:crypto';
import { PlanModel, planProbes } from '../plan/index.js';
import type { ProbePlan, SyntheticPod } from '../plan/index.js';
import type { ClusterState, Namespace } from '../policy/index.js';
import { runPlan } from '../run/index.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import type { RunProgress, RunResult } from '../run/index.js';
import type { Suite } from '../suite/index.js';
import { agentsRunner } from './agents-runner.js';
import { checkAborted, timed } from './interruption.js';
import { outsideHostsFor } from './outside-sources.js';
import type { OutsideSources } from './outside-sources.js';
import type { AgentPod, ClusterSnapshot, LivePod, ProbeCluster, RunPodSpec } from './probe-cluster.js';
import { startAgents } from './start-agents.js';
import type { AgentsStarting } from './start-agents.js';

export interface LiveRunOptions {
  readonly image: string;
  readonly readyTimeoutMs: number;
  /** How long an agent exec may wait for its batch before it is replaced (start-agents.ts). */
  readonly execIdleLimitMs?: number;
  /** Retry pairs that disagree with their expectation until this many seconds have passed. */
  readonly settleSeconds: number;
  readonly keepAgent: boolean;
  readonly log?: (line: string) => void;
  /** Told of each assertion as it is judged, for reports that follow the run. */
  readonly progress?: RunProgress;
  /** The lab's outside hosts, to send from when an address is a source; no other cluster has them. */
  readonly outsideSources?: OutsideSources;
}

export async function runLive(
  suites: readonly Suite[],
  cluster: ProbeCluster,
  options: LiveRunOptions,
  signal?: AbortSignal,
): Promise<RunResult> {
  const log = options.log ?? (() => undefined);
  // In the names of the run's probe pods and in its claims: distinct among runs at the same time.
  const id = randomBytes(4).toString('hex');
  const run: RunSteps = {
    id,
    started: performance.now(),
    cluster,
    options,
    log,
    signal,
    agents: startAgents(cluster, id, options.image, options.readyTimeoutMs, log, options.execIdleLimitMs),
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
  /** performance.now() at the start. */
  readonly started: number;
  readonly cluster: ProbeCluster;
  readonly options: LiveRunOptions;
  readonly log: (line: string) => void;
  readonly signal: AbortSignal | undefined;
  readonly agents: AgentsStarting;
  createdObjects: boolean;
}

/** Read, plan, make what the plan needs, then the one pipeline: the agents runner and the judge. */
async function probeAndJudge(suites: readonly Suite[], run: RunSteps): Promise<RunResult> {
  const snapshot = await timed(run.log, 'read the cluster', () => run.cluster.snapshot(), describeSnapshot);
  checkAborted(run.signal);
  const plan = planProbes(suites, snapshot.state);
  const control = [...plan.pairs.values()].some((p) => p.destination.kind === 'address')
    ? controlPod(run.id)
    : undefined;
  const outsideHosts = await outsideHostsFor(plan, run.options.outsideSources);
  const pods = await createRunObjects(run, plan, snapshot, control);
  checkAborted(run.signal);
  const controlLive = control ? pods.get(`${control.pod.namespace}/${control.pod.name}`) : undefined;
  const notReady = snapshot.notReadyNodes ?? new Map<string, string>();
  const needed = probedNodes(plan, pods, controlLive, notReady);
  run.agents.need(needed);
  const agents = await run.agents.agents;
  const sessions = await run.agents.sessions();
  checkAborted(run.signal);
  logMissingAgents(run, needed, agents, notReady);
  const runner = agentsRunner({
    cluster: run.cluster,
    pods,
    notReadyNodes: notReady,
    ...(controlLive ? { control: controlLive } : {}),
    ...(outsideHosts ? { outsideHosts } : {}),
    agents,
    sessions,
    settleSeconds: run.options.settleSeconds,
    ...(run.signal ? { signal: run.signal } : {}),
    log: run.log,
  });
  return runPlan(plan, new PlanModel(snapshot.state, plan), runner, {
    startedAt: run.started,
    ...(run.options.progress ? { progress: run.options.progress } : {}),
  });
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
    run.log,
    'created',
    () =>
      run.cluster.createRunObjects(run.id, namespaces, pods, run.options.readyTimeoutMs, run.options.image),
    () => `${pods.length} probe pod(s) and ${namespaces.length} namespace(s), Ready`,
  );
  run.agents.renewAfter(creation);
  const created = await creation;
  return new Map([...snapshot.pods, ...created]);
}

/**
 * Closes the agent sessions, then removes the run's objects and takes its claim off the
 * agent, which goes too unless kept or another run still claims it.
 */
async function cleanUp(run: RunSteps): Promise<void> {
  run.log(`cleaning up run ${run.id}`);
  await run.agents.close();
  if (run.createdObjects) {
    await timed(
      run.log,
      'removed',
      () => run.cluster.removeRunObjects(run.id),
      () => `the run's pods and namespaces (run ${run.id})`,
    );
  }
  await run.cluster.releaseAgent(run.id, { remove: !run.options.keepAgent });
}

/**
 * The nodes whose agents the plan needs: where its source and destination pods run (an
 * outside source sends from its destination's node) and the control pod's. Not those
 * that are not Ready: their pods' pairs are inconclusive, and no agent starts there.
 */
function probedNodes(
  plan: ProbePlan,
  pods: ReadonlyMap<string, LivePod>,
  control: LivePod | undefined,
  notReady: ReadonlyMap<string, string>,
): Set<string> {
  const nodes = new Set<string>();
  const add = (pod: LivePod | undefined): void => {
    if (pod?.nodeName !== undefined && !notReady.has(pod.nodeName)) nodes.add(pod.nodeName);
  };
  for (const pair of plan.pairs.values())
    for (const endpoint of [pair.source, pair.destination])
      if (endpoint.kind === 'pod') add(pods.get(`${endpoint.pod.namespace}/${endpoint.pod.name}`));
  add(control);
  return nodes;
}

/** Says up front why some pairs will be inconclusive: a node not Ready, or its agent not Ready in time. */
function logMissingAgents(
  run: RunSteps,
  needed: ReadonlySet<string>,
  agents: ReadonlyMap<string, AgentPod>,
  notReady: ReadonlyMap<string, string>,
): void {
  for (const reason of notReady.values()) run.log(`${reason}: pairs of its pods are inconclusive`);
  const seconds = Math.round(run.options.readyTimeoutMs / 1000);
  for (const node of needed)
    if (!agents.has(node))
      run.log(`no agent Ready on node ${node} after ${seconds}s: pairs probed through it are inconclusive`);
}

function describeSnapshot(snapshot: ClusterSnapshot): string {
  const { namespaces, policies } = snapshot.state;
  return `${snapshot.pods.size} running pod(s) in ${namespaces.length} namespace(s), ${policies.length} NetworkPolicy(ies)`;
}

function newNamespaces(plan: ProbePlan, state: ClusterState): Namespace[] {
  const existing = new Set(state.namespaces.map((ns) => ns.name));
  return plan.syntheticNamespaces.filter((ns) => !existing.has(ns.name));
}

/** A pod in a namespace of its own, which no policy selects: it shows outside addresses reachable. */
function controlPod(runId: string): { namespace: Namespace; pod: SyntheticPod } {
  const name = `npa-control-${runId}`;
  return {
    namespace: { name, labels: { [NAMESPACE_NAME_LABEL]: name } },
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
