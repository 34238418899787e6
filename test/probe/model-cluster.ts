/**
 * An in-memory ProbeCluster whose agents answer from the policy model: a pair the
 * model allows connects, one it denies times out, and a listener check (a pod probing its
 * own address) connects when the pod declares the port. It records what the runner asked
 * for, in order, so tests can state which steps ran and when.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AGENT_PROTOCOL_VERSION,
  decodeBatch,
  formatHeader,
  formatPlan,
  formatResult,
  READY_LINE,
} from '../../agent/protocol.js';
import type { ProbeRequest, ProbeResponse } from '../../agent/protocol.js';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import type { ClusterState, Namespace, Pod } from '../../src/policy/index.js';
import type {
  AgentPod,
  ClusterSnapshot,
  ExecResult,
  LivePod,
  ProbeCluster,
  RunPodSpec,
} from '../../src/probe/index.js';

export interface ModelClusterOptions {
  /** How long `snapshot()` takes, to show what overlaps it. */
  readonly snapshotMs?: number;
  readonly snapshotFails?: string;
  readonly removeAgentFails?: string;
  /** The agent answers this many requests, then bails out. */
  readonly bailAfter?: number;
  /** Output is handed over in pieces this long, to split lines and YAML blocks anywhere. */
  readonly chunkLength?: number;
  /** Agents with probes to make answer only once this settles: probes still in flight. */
  readonly probesInFlight?: Promise<void>;
  /** Policies reach the data plane late: the first this many batches with probes connect everything. */
  readonly policiesLateBatches?: number;
}

export class ModelCluster implements ProbeCluster {
  readonly name = 'model';
  /** `step` or `step:start` / `step:end`, in the order they happened. */
  readonly events: string[] = [];
  /** The batches the agents got, empty ones included, by node. */
  readonly batches: { node: string; requests: number }[] = [];
  private readonly state: ClusterState;
  private readonly created: Pod[] = [];
  private readonly createdNamespaces: Namespace[] = [];
  private probingBatches = 0;

  constructor(
    manifests: string,
    private readonly options: ModelClusterOptions = {},
  ) {
    const parsed = parseManifests(manifests, 'model.yaml');
    const built = stateFromManifests(parsed.objects);
    if (parsed.errors.length + built.errors.length > 0)
      throw new Error('bad manifests for the model cluster');
    this.state = built.state;
  }

  async snapshot(): Promise<ClusterSnapshot> {
    this.events.push('snapshot:start');
    await sleep(this.options.snapshotMs ?? 0);
    this.events.push('snapshot:end');
    if (this.options.snapshotFails) throw new Error(this.options.snapshotFails);
    return { state: this.state, pods: new Map(this.state.pods.map((pod) => [podKey(pod), livePod(pod)])) };
  }

  async createRunObjects(
    runId: string,
    namespaces: readonly Namespace[],
    pods: readonly RunPodSpec[],
    _timeoutMs: number,
    image: string,
  ): Promise<ReadonlyMap<string, LivePod>> {
    this.events.push(
      `createRunObjects ${runId}: ${pods.map((spec) => podKey(spec.pod)).join(' ')} (${image})`,
    );
    this.createdNamespaces.push(...namespaces);
    const made = pods.map(({ pod }, index) => ({
      ...pod,
      ips: [`10.99.0.${this.created.length + index + 1}`],
      nodeName: 'n0',
    }));
    this.created.push(...made);
    return new Map(made.map((pod) => [podKey(pod), livePod(pod)]));
  }

  async ensureAgent(): Promise<ReadonlyMap<string, AgentPod>> {
    this.events.push('ensureAgent');
    return new Map(
      this.state.nodes.map((node) => [
        node.name,
        { nodeName: node.name, namespace: 'netpol-assert-system', name: `agent-${node.name}` },
      ]),
    );
  }

  async execInAgent(
    agent: AgentPod,
    _argv: readonly string[],
    stdin: string | Promise<string>,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult> {
    this.events.push(`exec:open ${agent.nodeName}`);
    const decoded = decodeBatch(await stdin);
    if (!decoded.ok) throw new Error(decoded.problems.join('; '));
    const requests = decoded.value.requests;
    this.batches.push({ node: agent.nodeName, requests: requests.length });
    this.events.push(`exec:batch ${agent.nodeName} ${requests.length}`);
    if (requests.length > 0 && this.options.probesInFlight) {
      await this.options.probesInFlight;
      this.events.push(`exec:answered ${agent.nodeName}`);
    }
    const answered = requests.slice(0, this.options.bailAfter ?? requests.length);
    if (requests.length > 0) this.probingBatches += 1;
    const enforced = this.probingBatches > (this.options.policiesLateBatches ?? 0);
    let stdout = `${formatHeader(requests.length)}${READY_LINE}\n`;
    answered.forEach((request, index) => {
      if (request.kind === 'probe') stdout += formatResult(index + 1, this.answer(request, enforced));
    });
    stdout += answered.length < requests.length ? 'Bail out! the helper died\n' : formatPlan(answered.length);
    const size = this.options.chunkLength ?? stdout.length;
    for (let at = 0; at < stdout.length; at += size) onStdout?.(stdout.slice(at, at + size));
    return { stdout, stderr: '', exitCode: answered.length < requests.length ? 1 : 0 };
  }

  closeOpenExecs(): void {
    this.events.push('closeOpenExecs');
  }

  async removeRunObjects(runId?: string): Promise<void> {
    this.events.push(`removeRunObjects ${runId ?? 'all'}`);
  }

  async removeAgent(): Promise<void> {
    this.events.push('removeAgent');
    if (this.options.removeAgentFails) throw new Error(this.options.removeAgentFails);
  }

  private answer(request: ProbeRequest, enforced: boolean): ProbeResponse {
    const pods = [...this.state.pods, ...this.created];
    const source = pods.find(
      (pod) => request.source.kind === 'pod' && livePod(pod).uid === request.source.uid,
    );
    const destination = pods.find((pod) => pod.ips.includes(request.ip));
    const observation = !source
      ? 'error'
      : source === destination
        ? destination.ports.some((p) => p.port === request.port)
          ? 'connected'
          : 'refused'
        : !enforced || this.allows(source, request)
          ? 'connected'
          : 'timeout';
    return {
      version: AGENT_PROTOCOL_VERSION,
      id: request.id,
      elapsedMs: 1,
      kind: 'probe',
      observation,
      attempts: [{ observation, elapsedMs: 1 }],
    };
  }

  private allows(source: Pod, request: ProbeRequest): boolean {
    const state = {
      ...this.state,
      pods: [...this.state.pods, ...this.created],
      namespaces: [...this.state.namespaces, ...this.createdNamespaces],
    };
    return new PolicyEngine(state).allows({
      source: { kind: 'pod', pod: source },
      destination: { kind: 'address', ip: request.ip },
      port: request.port,
      protocol: request.protocol,
    });
  }
}

function podKey(pod: Pod): string {
  return `${pod.namespace}/${pod.name}`;
}

function livePod(pod: Pod): LivePod {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: `uid-${pod.namespace}-${pod.name}`,
    ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
    ...(pod.ips[0] ? { ip: pod.ips[0] } : {}),
    ready: true,
  };
}
