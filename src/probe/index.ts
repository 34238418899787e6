/**
 * Live probing: the agents runner, which sends a plan's pairs as real traffic from inside
 * the source pods through the agent on each node, and the live run around it (read the
 * cluster, plan, make the probe pods, probe, judge, clean up), against any cluster that
 * speaks ProbeCluster.
 */

// A live run, start to end, and how it stops on Ctrl-C.
export { runLive } from './live-run.js';
export type { LiveRunOptions } from './live-run.js';
export { RunInterrupted } from './interruption.js';

// The agents runner: a plan observed through the agents, one record per pair.
export { agentsRunner } from './agents-runner.js';
export type { AgentsRunnerInputs } from './agents-runner.js';

// Outside hosts a probe can be sent from when an address is a source: the lab's only.
export { NODE_SOURCE, OFFLINE_ONLY_SOURCE } from './outside-sources.js';
export type { OutsideSource, OutsideSources } from './outside-sources.js';

// The cluster interface a live run needs, and the labels it puts on what it makes.
export { AGENT_NAMESPACE, MANAGED_BY, MANAGED_BY_LABEL, PROBE_LABEL, RUN_LABEL } from './probe-cluster.js';
export type {
  AgentPod,
  ClusterSnapshot,
  ExecInput,
  ExecResult,
  LivePod,
  ProbeCluster,
  RunPodSpec,
} from './probe-cluster.js';
