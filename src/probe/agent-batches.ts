/**
 * A plan as agent batches: one batch per node, holding the probes whose source runs
 * there and the listener checks for destinations that run there. A listener check is a
 * probe from the destination's own namespace to its own address: it never crosses the
 * veth where plugins enforce policy, so "connected" proves a listener and "refused"
 * proves there is none.
 */
import type { AgentBatch, NetnsRef, ProbeRequest } from '../../agent/protocol.js';
import { AGENT_PROTOCOL_VERSION } from '../../agent/protocol.js';
import type { ProbePair } from './plan.js';
import type { LivePod } from './probe-cluster.js';

export interface PairProbe {
  readonly pair: ProbePair;
  readonly timeoutMs: number;
  readonly attempts: number;
}

/** Where each request went, so responses can be matched back. */
export interface BatchPlan {
  readonly batches: ReadonlyMap<string, AgentBatch>;
  /** request id → pair key */
  readonly probeIds: ReadonlyMap<string, string>;
  /** request id → listener key (`ip:port/proto`) */
  readonly listenerIds: ReadonlyMap<string, string>;
  /** pair key → the listener key of its destination */
  readonly listenerOfPair: ReadonlyMap<string, string>;
  /** pair key → why it cannot be probed live */
  readonly unprobeable: ReadonlyMap<string, string>;
}

export interface BatchInputs {
  readonly probes: readonly PairProbe[];
  readonly pods: ReadonlyMap<string, LivePod>;
  /** A pod in a namespace no policy selects, to show outside addresses reachable. */
  readonly control?: LivePod;
}

export function listenerKey(ip: string, port: number, protocol: string): string {
  return `${ip}:${port}/${protocol}`;
}

export function planBatches(inputs: BatchInputs): BatchPlan {
  const builder = new BatchBuilder(inputs.pods);
  for (const probe of inputs.probes) builder.addPair(probe, inputs.control);
  return builder.result();
}

class BatchBuilder {
  private readonly requests = new Map<string, ProbeRequest[]>();
  private readonly probeIds = new Map<string, string>();
  private readonly listenerIds = new Map<string, string>();
  private readonly listenersPlanned = new Set<string>();
  private readonly unprobeable = new Map<string, string>();
  private readonly listenerOfPair = new Map<string, string>();
  private next = 0;

  constructor(private readonly pods: ReadonlyMap<string, LivePod>) {}

  addPair({ pair, timeoutMs, attempts }: PairProbe, control: LivePod | undefined): void {
    const source = this.livePod(pair.source);
    const destinationIp =
      pair.destination.kind === 'pod' ? this.livePod(pair.destination)?.ip : pair.destination.ip;
    if (pair.source.kind === 'address') {
      this.unprobeable.set(pair.key, 'an address as a source can only be evaluated offline (predict)');
      return;
    }
    if (!source?.nodeName || !destinationIp) {
      this.unprobeable.set(pair.key, 'the source or destination pod is not running with an address');
      return;
    }
    const id = this.add(source.nodeName, {
      source: { kind: 'pod', uid: source.uid },
      ip: destinationIp,
      port: pair.port,
      protocol: pair.protocol,
      timeoutMs,
      attempts,
    });
    this.probeIds.set(id, pair.key);
    this.addListenerCheck(pair, destinationIp, timeoutMs, control);
  }

  private addListenerCheck(
    pair: ProbePair,
    ip: string,
    timeoutMs: number,
    control: LivePod | undefined,
  ): void {
    const key = listenerKey(ip, pair.port, pair.protocol);
    this.listenerOfPair.set(pair.key, key);
    if (this.listenersPlanned.has(key)) return;
    const destination = pair.destination.kind === 'pod' ? this.livePod(pair.destination) : undefined;
    const checker: { node?: string; netns?: NetnsRef } = destination
      ? { node: destination.nodeName, netns: { kind: 'pod', uid: destination.uid } }
      : { node: control?.nodeName, netns: control ? { kind: 'pod', uid: control.uid } : undefined };
    if (!checker.node || !checker.netns) return;
    this.listenersPlanned.add(key);
    const id = this.add(checker.node, {
      source: checker.netns,
      ip,
      port: pair.port,
      protocol: pair.protocol,
      timeoutMs,
      attempts: 1,
    });
    this.listenerIds.set(id, key);
  }

  private add(node: string, request: Omit<ProbeRequest, 'kind' | 'id'>): string {
    const id = `r${this.next++}`;
    const list = this.requests.get(node) ?? [];
    list.push({ kind: 'probe', id, ...request });
    this.requests.set(node, list);
    return id;
  }

  private livePod(endpoint: ProbePair['source']): LivePod | undefined {
    return endpoint.kind === 'pod'
      ? this.pods.get(`${endpoint.pod.namespace}/${endpoint.pod.name}`)
      : undefined;
  }

  result(): BatchPlan {
    const batches = new Map<string, AgentBatch>();
    for (const [node, requests] of this.requests)
      batches.set(node, { version: AGENT_PROTOCOL_VERSION, requests });
    return {
      batches,
      probeIds: this.probeIds,
      listenerIds: this.listenerIds,
      listenerOfPair: this.listenerOfPair,
      unprobeable: this.unprobeable,
    };
  }
}
