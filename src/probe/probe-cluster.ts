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
  /** Installs the agent where missing and returns one Ready agent pod per node. */
  ensureAgent(image: string, timeoutMs: number): Promise<ReadonlyMap<string, AgentPod>>;
  /**
   * Runs a command in an agent pod. The exec may open before its input is known: stdin
   * is written once it resolves (it never rejects), or as an iterable yields it.
   * `onStdout` sees the output as it arrives; the result holds all of it as well.
   */
  execInAgent(
    agent: AgentPod,
    argv: readonly string[],
    stdin: ExecInput,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult>;
  /** Cuts the execs still open (an interrupted run): their promises reject. */
  closeOpenExecs(): void;
  /** Removes what one run created; with no runId, what any run left behind. */
  removeRunObjects(runId?: string): Promise<void>;
  removeAgent(): Promise<void>;
}

export const RUN_LABEL = 'netpol-assert.io/run';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'netpol-assert';
export const AGENT_NAMESPACE = 'netpol-assert-system';
