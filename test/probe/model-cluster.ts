/**
 * An in-memory ProbeCluster whose agents answer from the policy model: a pair the
 * model allows connects, one it denies times out, and a listener check (a pod probing its
 * own address) connects when the pod declares the port. UDP proven by capture answers as
 * the agent would: a send-only probe is `sent` (`refused` by a closed port it reached, as
 * the kernel answers), and its capture, wherever it runs, is `seen` once a send the model
 * allows came, `not-seen` only once the runner says `stop` (there is no window here: a
 * capture nobody stops never answers). Answers stream in the order they are known. It
 * records what the runner asked for, in order, so tests can state which steps ran and when.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AGENT_PROTOCOL_VERSION,
  decodeBatch,
  formatHeader,
  formatPlan,
  formatResult,
  isGoLine,
  parseStopCapture,
  READY_LINE,
} from '../../agent/protocol.js';
import type {
  AgentResponse,
  CaptureRequest,
  CaptureResponse,
  ProbeRequest,
  ProbeResponse,
} from '../../agent/protocol.js';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import type { ClusterState, Namespace, Pod } from '../../src/policy/index.js';
import type {
  AgentPod,
  ClusterSnapshot,
  ExecInput,
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
  /** The exec into the agent on a node is cut after this many answers, as when its pod is deleted. */
  readonly cutAfter?: { readonly node: string; readonly answers: number };
  /** Nodes that are not Ready, with why, as the snapshot reports them. */
  readonly notReadyNodes?: Readonly<Record<string, string>>;
  /** Only these nodes get a Ready agent (all nodes unless said). */
  readonly agentsOn?: readonly string[];
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
  /** Datagrams that arrived in a destination (sends the model lets through), by nonce. */
  private readonly arrivals = new Map<string, Deferred>();

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
    return {
      state: this.state,
      pods: new Map(this.state.pods.map((pod) => [podKey(pod), livePod(pod)])),
      ...(this.options.notReadyNodes
        ? { notReadyNodes: new Map(Object.entries(this.options.notReadyNodes)) }
        : {}),
    };
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

  async ensureAgent(
    _runId?: string,
    _image?: string,
    _timeoutMs?: number,
    wanted?: Promise<ReadonlySet<string>>,
  ): Promise<ReadonlyMap<string, AgentPod>> {
    this.events.push('ensureAgent');
    void wanted?.then((nodes) => this.events.push(`wanted ${[...nodes].sort().join(' ')}`));
    const withAgent = this.options.agentsOn ?? this.state.nodes.map((node) => node.name);
    return new Map(
      withAgent.map((node) => [
        node,
        { nodeName: node, namespace: 'netpol-assert-system', name: `agent-${node}` },
      ]),
    );
  }

  async execInAgent(
    agent: AgentPod,
    _argv: readonly string[],
    stdin: ExecInput,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult> {
    this.events.push(`exec:open ${agent.nodeName}`);
    const input = new ModelStdin(stdin);
    const decoded = decodeBatch(await input.batch);
    if (!decoded.ok) throw new Error(decoded.problems.join('; '));
    const requests = decoded.value.requests;
    this.batches.push({ node: agent.nodeName, requests: requests.length });
    this.events.push(`exec:batch ${agent.nodeName} ${requests.length}`);
    if (requests.length > 0 && this.options.probesInFlight) {
      await this.options.probesInFlight;
      this.events.push(`exec:answered ${agent.nodeName}`);
    }
    const { cutAfter } = this.options;
    const cut = cutAfter?.node === agent.nodeName && requests.length > 0 ? cutAfter.answers : undefined;
    const answered = requests.slice(0, cut ?? this.options.bailAfter ?? requests.length);
    if (requests.length > 0) this.probingBatches += 1;
    const enforced = this.probingBatches > (this.options.policiesLateBatches ?? 0);
    let stdout = `${formatHeader(requests.length)}${READY_LINE}\n`;
    this.write(stdout, onStdout);
    if (requests.some((request) => request.kind === 'capture'))
      this.events.push(`exec:ready ${agent.nodeName}`);
    // Held sends wait for the runner's go; the rest are answered at once.
    const released = input.go.then(() => void this.events.push(`exec:go ${agent.nodeName}`));
    const stops = new Map<string, Deferred>();
    input.onStop((id) => {
      this.events.push(`exec:stop ${agent.nodeName} ${id}`);
      deferred(stops, id).resolve();
    });
    let count = 0;
    const emit = (response: AgentResponse): void => {
      const text = formatResult(++count, response);
      stdout += text;
      this.write(text, onStdout);
    };
    await Promise.all(
      answered.map(async (request) => {
        if (request.kind === 'probe' && request.hold === true) await released;
        emit(
          request.kind === 'probe'
            ? this.answer(request, enforced)
            : await this.capture(request, deferred(stops, request.id).promise),
        );
      }),
    );
    if (cut !== undefined) throw new Error('the exec connection closed before the command ended');
    const end = answered.length < requests.length ? 'Bail out! the helper died\n' : formatPlan(count);
    this.write(end, onStdout);
    return { stdout: stdout + end, stderr: '', exitCode: answered.length < requests.length ? 1 : 0 };
  }

  private write(text: string, onStdout: ((text: string) => void) | undefined): void {
    const size = this.options.chunkLength ?? text.length;
    for (let at = 0; at < text.length; at += size) onStdout?.(text.slice(at, at + size));
  }

  /** Seen once an allowed send arrives; not seen only once the runner stops it. */
  private async capture(request: CaptureRequest, stopped: Promise<void>): Promise<CaptureResponse> {
    const arrived = deferred(this.arrivals, request.nonce).promise.then(() => 'seen' as const);
    const observation = await Promise.race([arrived, stopped.then(() => 'not-seen' as const)]);
    return {
      version: AGENT_PROTOCOL_VERSION,
      id: request.id,
      elapsedMs: 1,
      kind: 'capture',
      observation,
      attempts: [{ observation, elapsedMs: 1 }],
    };
  }

  closeOpenExecs(): void {
    this.events.push('closeOpenExecs');
  }

  async removeRunObjects(runId?: string): Promise<void> {
    this.events.push(`removeRunObjects ${runId ?? 'all'}`);
  }

  /** `removeAgent` when the run removes it, `releaseAgent` when it only takes its claim off (kept). */
  async releaseAgent(_runId: string, options: { readonly remove: boolean }): Promise<void> {
    if (!options.remove) {
      this.events.push('releaseAgent');
      return;
    }
    await this.removeAgent();
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
    const declared = destination?.ports.some((p) => p.port === request.port) === true;
    // A silent server (every UDP destination proven by capture) never echoes.
    const capture = request.udpProof === 'capture';
    const allowed = source !== undefined && (!enforced || this.allows(source, request));
    if (capture && source !== destination && allowed) deferred(this.arrivals, request.nonce ?? '').resolve();
    const observation = !source
      ? 'error'
      : source === destination
        ? declared
          ? capture
            ? 'sent'
            : 'connected'
          : 'refused'
        : capture
          ? allowed && !declared
            ? 'refused'
            : 'sent'
          : allowed
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

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

/** The entry for `key`, made on first use by whichever side comes first. */
function deferred(entries: Map<string, Deferred>, key: string): Deferred {
  let entry = entries.get(key);
  if (entry === undefined) {
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    entry = { promise, resolve };
    entries.set(key, entry);
  }
  return entry;
}

/** The exec's stdin as the agent reads it: the batch, then `stop ID` lines as they come. */
class ModelStdin {
  readonly batch: Promise<string>;
  /** A `go` line after the batch, or the end of stdin. */
  readonly go: Promise<void>;
  private release: () => void = () => undefined;
  private listener: ((id: string) => void) | undefined;
  private readonly early: string[] = [];

  constructor(stdin: ExecInput) {
    this.go = new Promise((resolve) => (this.release = resolve));
    this.batch = this.read(stdin);
  }

  onStop(listener: (id: string) => void): void {
    for (const id of this.early.splice(0)) listener(id);
    this.listener = listener;
  }

  private read(stdin: ExecInput): Promise<string> {
    if (typeof stdin === 'string' || stdin instanceof Promise) {
      this.release();
      return Promise.resolve(stdin);
    }
    return new Promise<string>((resolve) => {
      let text = '';
      let batch: string | undefined;
      void (async () => {
        for await (const chunk of stdin) {
          text += chunk;
          const lines = text.split('\n');
          text = lines.pop() ?? '';
          for (const line of lines) {
            if (batch === undefined) resolve((batch = line));
            else this.stop(line);
          }
        }
        if (batch === undefined) resolve(text);
        this.release();
      })();
    });
  }

  private stop(line: string): void {
    if (isGoLine(line)) this.release();
    const id = parseStopCapture(line);
    if (id === undefined) return;
    if (this.listener === undefined) this.early.push(id);
    else this.listener(id);
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
