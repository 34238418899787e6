/**
 * A plan as agent batches: one batch per node, holding the probes whose source runs
 * there and the listener checks for destinations that run there. A listener check is a
 * probe from the destination's own namespace to its own address: it never crosses the
 * veth where plugins enforce policy, so "connected" proves a listener and "refused"
 * proves there is none. Each pair gets a route: the request that probes it and the one
 * that checks its destination, by request id, or why it cannot be probed.
 *
 * UDP to a pod (port 53 aside, which asks a real DNS question) is proven by capture, not
 * echo: most UDP services never answer, and a datagram seen arriving inside the
 * destination's namespace proves delivery whatever the server does. The destination's
 * agent captures (a `capture` request); the source sends only (`udpProof: capture` with
 * the capture's nonce). On the same node the agent sends once its own captures listen;
 * across nodes the send waits in its node's batch (`hold`) until the runner says `go`,
 * once the capturing agent listens: one exec per node, every agent getting ready at
 * once. The runner stops each capture as soon as its sender has answered; the window is
 * only a bound.
 */
import { randomBytes } from 'node:crypto';
import type {
  AgentBatch,
  AgentRequest,
  CaptureRequest,
  NetnsRef,
  ProbeRequest,
} from '../../agent/protocol.js';
import { AGENT_PROTOCOL_VERSION, DNS_PORT } from '../../agent/protocol.js';
import type { ProbePair, ProbePlan } from '../plan/index.js';
import type { Expectation } from '../suite/index.js';
import { outsideSender } from './outside-sources.js';
import type { OutsideHosts } from './outside-sources.js';
import type { LivePod } from './probe-cluster.js';

/** What to send for one pair: the longest timeout and most attempts any of its assertions asks. */
export interface PairProbe {
  readonly pair: ProbePair;
  readonly timeoutMs: number;
  readonly attempts: number;
  /** What the last assertion naming the pair expects: `--settle` retries it until it agrees. */
  readonly expect: Expectation;
}

export type PairRoute =
  | { readonly kind: 'unprobeable'; readonly probe: PairProbe; readonly reason: string }
  | {
      readonly kind: 'probed';
      readonly probe: PairProbe;
      /** The request that probes the pair. */
      readonly request: string;
      /** The request that checks the destination listens, shared by the pairs to the same port; none when no pod can check it. */
      readonly listenerCheck?: string;
      /** UDP proven by capture: the capture request and its node; `request` then only sends. */
      readonly capture?: CaptureRoute;
    };

export interface CaptureRoute {
  readonly request: string;
  readonly node: string;
}

export type ProbedRoute = Extract<PairRoute, { kind: 'probed' }>;

export interface BatchPlan {
  /** One batch per node, by node name; UDP sends to captures on other nodes in it are held. */
  readonly batches: ReadonlyMap<string, AgentBatch>;
  /** Every pair once. */
  readonly routes: readonly PairRoute[];
}

export interface BatchInputs {
  readonly probes: readonly PairProbe[];
  /** Every live pod, by `namespace/name`. */
  readonly pods: ReadonlyMap<string, LivePod>;
  /** A pod in a namespace no policy selects, to show outside addresses reachable. */
  readonly control?: LivePod;
  /** The lab's outside hosts, to send from when an address is a source. */
  readonly outsideHosts?: OutsideHosts;
  /** Nodes that are not Ready, each with why: a pair with a pod there is not probed. */
  readonly notReadyNodes?: ReadonlyMap<string, string>;
}

const NOT_RUNNING = 'the source or destination pod is not running with an address';

/** Where a probe is sent from: a namespace, entered by the agent on `node`. */
interface Sender {
  readonly node: string;
  readonly netns: NetnsRef;
}

export function planBatches(inputs: BatchInputs): BatchPlan {
  const builder = new BatchBuilder(inputs.pods, inputs.control, inputs.outsideHosts, inputs.notReadyNodes);
  const routes = inputs.probes.map((probe) => builder.route(probe));
  return {
    batches: builder.batches(builder.requests),
    routes,
  };
}

/**
 * Room in a capture's window for a held sender on another node, whose agent may get
 * ready later than the capture's. Only a bound for a runner that never says stop: the
 * runner stops each capture once its sender has answered.
 */
export const HELD_SEND_SLACK_MS = 15_000;

/** Whether a pair's delivery is proven by capturing in the destination pod (else by the probe alone). */
export function provenByCapture(pair: ProbePair): boolean {
  return pair.protocol === 'UDP' && pair.destination.kind === 'pod' && pair.port !== DNS_PORT;
}

class BatchBuilder {
  readonly requests = new Map<string, AgentRequest[]>();
  /** The listener check already asked for each `ip:port/protocol`, by request id. */
  private readonly listenerChecks = new Map<string, string>();
  private next = 0;
  /** Nonces differ between runs too: a capture must not count another run's datagrams. */
  private readonly noncePrefix = randomBytes(6).toString('hex');

  constructor(
    private readonly pods: ReadonlyMap<string, LivePod>,
    private readonly control: LivePod | undefined,
    private readonly outsideHosts: OutsideHosts | undefined,
    private readonly notReadyNodes: ReadonlyMap<string, string> = new Map(),
  ) {}

  route(probe: PairProbe): PairRoute {
    const { pair, timeoutMs, attempts } = probe;
    const down = this.notReadyReason(pair);
    if (down !== undefined) return { kind: 'unprobeable', probe, reason: down };
    const source = this.sender(pair);
    if (typeof source === 'string') return { kind: 'unprobeable', probe, reason: source };
    const destinationIp =
      pair.destination.kind === 'pod' ? this.livePod(pair.destination)?.ip : pair.destination.ip;
    if (!destinationIp) return { kind: 'unprobeable', probe, reason: NOT_RUNNING };
    const sent: Omit<ProbeRequest, 'kind' | 'id'> = {
      source: source.netns,
      ip: destinationIp,
      port: pair.port,
      protocol: pair.protocol,
      timeoutMs,
      attempts,
    };
    const listenerCheck = this.listenerCheck(pair, destinationIp, timeoutMs);
    const checked = listenerCheck === undefined ? {} : { listenerCheck };
    const destination = provenByCapture(pair) ? this.livePod(pair.destination) : undefined;
    if (!destination?.nodeName)
      return { kind: 'probed', probe, request: this.add(source.node, sent), ...checked };
    return {
      kind: 'probed',
      probe,
      ...this.captured(sent, source.node, destination.uid, destination.nodeName),
      ...checked,
    };
  }

  /** A capture in the destination and a send that only sends, paired by their nonce. */
  private captured(
    sent: Omit<ProbeRequest, 'kind' | 'id'>,
    sourceNode: string,
    destinationUid: string,
    node: string,
  ): { request: string; capture: CaptureRoute } {
    const sameNode = node === sourceNode;
    const nonce = `${this.noncePrefix}.${this.next}`;
    const capture = this.addCapture(node, {
      at: { kind: 'pod', uid: destinationUid },
      port: sent.port,
      nonce,
      attempts: sent.attempts,
      timeoutMs: (sent.attempts + 1) * sent.timeoutMs + (sameNode ? 0 : HELD_SEND_SLACK_MS),
    });
    const request = this.add(sourceNode, {
      ...sent,
      udpProof: 'capture',
      nonce,
      ...(sameNode ? {} : { hold: true as const }),
    });
    return { request, capture: { request: capture, node } };
  }

  /**
   * The source pod; or for an address, the lab's outside host that has it, whose namespace
   * any agent there can enter (they all run on the lab's machine): the destination's agent
   * sends, so that a UDP capture is on its own node. A string says why nothing is sent.
   */
  private sender(pair: ProbePair): Sender | string {
    if (pair.source.kind === 'pod') {
      const pod = this.livePod(pair.source);
      return pod?.nodeName ? { node: pod.nodeName, netns: { kind: 'pod', uid: pod.uid } } : NOT_RUNNING;
    }
    const netns = outsideSender(pair.source, this.outsideHosts);
    if (typeof netns === 'string') return netns;
    const node = (pair.destination.kind === 'pod' ? this.livePod(pair.destination) : this.control)?.nodeName;
    return node === undefined ? NOT_RUNNING : { node, netns };
  }

  /** From inside the destination pod, or for an outside address from the control pod. */
  private listenerCheck(pair: ProbePair, ip: string, timeoutMs: number): string | undefined {
    const key = `${ip}:${pair.port}/${pair.protocol}`;
    const known = this.listenerChecks.get(key);
    if (known !== undefined) return known;
    const checker = pair.destination.kind === 'pod' ? this.livePod(pair.destination) : this.control;
    if (!checker?.nodeName) return undefined;
    const netns: NetnsRef = { kind: 'pod', uid: checker.uid };
    const id = this.add(checker.nodeName, {
      source: netns,
      ip,
      port: pair.port,
      protocol: pair.protocol,
      timeoutMs,
      attempts: 1,
      // A silent server never echoes: sent with no ICMP port-unreachable back shows a bound socket.
      ...(provenByCapture(pair) ? { udpProof: 'capture' as const } : {}),
    });
    this.listenerChecks.set(key, id);
    return id;
  }

  private add(node: string, request: Omit<ProbeRequest, 'kind' | 'id'>): string {
    const id = `r${this.next++}`;
    push(this.requests, node, { kind: 'probe', id, ...request });
    return id;
  }

  private addCapture(node: string, request: Omit<CaptureRequest, 'kind' | 'id'>): string {
    const id = `r${this.next++}`;
    push(this.requests, node, { kind: 'capture', id, ...request });
    return id;
  }

  /**
   * Why a pair with a pod on a node that is not Ready is not probed: its agent cannot
   * start or answer there, and what its pods do is unknown while its kubelet is away.
   */
  private notReadyReason(pair: ProbePair): string | undefined {
    for (const endpoint of [pair.source, pair.destination]) {
      const node = this.livePod(endpoint)?.nodeName;
      const reason = node === undefined ? undefined : this.notReadyNodes.get(node);
      if (reason !== undefined)
        return `the ${endpoint === pair.source ? 'source' : 'destination'} pod's ${reason}`;
    }
    return undefined;
  }

  private livePod(endpoint: ProbePair['source']): LivePod | undefined {
    return endpoint.kind === 'pod'
      ? this.pods.get(`${endpoint.pod.namespace}/${endpoint.pod.name}`)
      : undefined;
  }

  batches(byNode: ReadonlyMap<string, AgentRequest[]>): Map<string, AgentBatch> {
    const batches = new Map<string, AgentBatch>();
    for (const [node, requests] of byNode) batches.set(node, { version: AGENT_PROTOCOL_VERSION, requests });
    return batches;
  }
}

function push(byNode: Map<string, AgentRequest[]>, node: string, request: AgentRequest): void {
  const list = byNode.get(node) ?? [];
  list.push(request);
  byNode.set(node, list);
}

/** One probe per pair of the plan, as `planBatches` takes them. */
export function pairProbes(plan: ProbePlan): PairProbe[] {
  const byKey = new Map<string, PairProbe>();
  for (const { assertions } of plan.suites) {
    for (const { assertion, pairs } of assertions) {
      for (const pair of pairs) {
        const known = byKey.get(pair.key);
        byKey.set(pair.key, {
          pair,
          timeoutMs: Math.max(known?.timeoutMs ?? 0, assertion.timeoutMs),
          attempts: Math.max(known?.attempts ?? 0, assertion.attempts),
          expect: assertion.expect,
        });
      }
    }
  }
  return [...byKey.values()];
}
