/**
 * The small cluster interface the live runner needs, declared here and implemented in
 * src/cluster (netassert's engine/interface.go for kubeops). Anything that speaks it —
 * a real cluster through its kubeconfig, the lab through its kubeconfig — runs suites.
 */
import type { ClusterState, Namespace, Pod } from '../policy/index.js';

/** A pod as the API reports it now: what the agent and the planner need beyond labels. */
export interface LivePod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly nodeName?: string;
  readonly ip?: string;
  readonly ready: boolean;
}

export interface ClusterSnapshot {
  readonly state: ClusterState;
  /** Every pod of `state`, by `namespace/name`. */
  readonly pods: ReadonlyMap<string, LivePod>;
  /** Nodes that are not Ready (their kubelet stopped, say), each with why: their pods' pairs are inconclusive. */
  readonly notReadyNodes?: ReadonlyMap<string, string>;
}

/** A pod the run creates: a probe source, or a responder listening on its ports. */
export interface RunPodSpec {
  readonly pod: Pod;
  readonly role: 'source' | 'responder';
}

export interface AgentPod {
  readonly nodeName: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * An exec's stdin: all of it at once, once it is known, or as it comes (the exec's stdin
 * ends when the iterable does).
 */
export type ExecInput = string | Promise<string> | AsyncIterable<string>;

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface ProbeCluster {
  /** The context or lab name, for report headers. */
  readonly name: string;
  snapshot(): Promise<ClusterSnapshot>;
  /**
   * Creates the namespaces and pods, labelled with the run, and waits until they are
   * Ready. The pods run the agent's image (`--image`): it serves as probe source and responder.
   */
  createRunObjects(
    runId: string,
    namespaces: readonly Namespace[],
    pods: readonly RunPodSpec[],
    timeoutMs: number,
    image: string,
  ): Promise<ReadonlyMap<string, LivePod>>;
  /**
   * Installs the agent where missing, or takes the one in place, with the run's claim on
   * it (runs at the same time share one agent), and returns one Ready agent pod per node.
   * It waits for the agent on every Ready node, or, once `wanted` names the nodes the run
   * probes through, on those only; never on a node that is not Ready. A node whose agent
   * is not Ready by `timeoutMs` is left out of the answer (its pairs are inconclusive).
   */
  ensureAgent(
    runId: string,
    image: string,
    timeoutMs: number,
    wanted?: Promise<ReadonlySet<string>>,
  ): Promise<ReadonlyMap<string, AgentPod>>;
  /**
   * Runs a command in an agent pod. The exec may open before its input is known: stdin
   * is written once it resolves (it never rejects), or as an iterable yields it.
   * `onStdout` sees the output as it arrives, and then the result's stdout is empty: the
   * output of a large batch is not held twice. Without it the result holds all of it.
   */
  execInAgent(
    agent: AgentPod,
    argv: readonly string[],
    stdin: ExecInput,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult>;
  /** Cuts the execs still open (an interrupted run): their promises reject. */
  closeOpenExecs(): void;
  /**
   * Removes what one run created (a probe namespace only once no other run claims it);
   * with no runId, what any run left behind.
   */
  removeRunObjects(runId?: string): Promise<void>;
  /** Takes the run's claim off the agent; with `remove`, removes it when no other run claims it. */
  releaseAgent(runId: string, options: { readonly remove: boolean }): Promise<void>;
  /** Removes the agent whoever claims it: `clean`. */
  removeAgent(): Promise<void>;
}

export const RUN_LABEL = 'netpol-assert.io/run';
/**
 * On what a run makes to probe with (probe pods: `source` or `responder`; probe
 * namespaces: `namespace`): never taken for the cluster's own when a run reads it.
 */
export const PROBE_LABEL = 'netpol-assert.io/probe';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'netpol-assert';
export const AGENT_NAMESPACE = 'netpol-assert-system';
