/**
 * A plan as agent batches: one batch per node, holding the probes whose source runs
 * there and the listener checks for destinations that run there. A listener check is a
 * probe from the destination's own namespace to its own address: it never crosses the
 * veth where plugins enforce policy, so "connected" proves a listener and "refused"
 * proves there is none. Each pair gets a route: the request that probes it and the one
 * that checks its destination, by request id, or why it cannot be probed.
 */
import type { AgentBatch, NetnsRef, ProbeRequest } from '../../agent/protocol.js';
import { AGENT_PROTOCOL_VERSION } from '../../agent/protocol.js';
import type { ProbePair, ProbePlan } from '../plan/index.js';
import type { Expectation } from '../suite/index.js';
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
    };

export type ProbedRoute = Extract<PairRoute, { kind: 'probed' }>;

export interface BatchPlan {
  /** One batch per node, by node name. */
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
}

export function planBatches(inputs: BatchInputs): BatchPlan {
  const builder = new BatchBuilder(inputs.pods, inputs.control);
  const routes = inputs.probes.map((probe) => builder.route(probe));
  return { batches: builder.batches(), routes };
}

class BatchBuilder {
  private readonly requests = new Map<string, ProbeRequest[]>();
  /** The listener check already asked for each `ip:port/protocol`, by request id. */
  private readonly listenerChecks = new Map<string, string>();
  private next = 0;

  constructor(
    private readonly pods: ReadonlyMap<string, LivePod>,
    private readonly control: LivePod | undefined,
  ) {}

  route(probe: PairProbe): PairRoute {
    const { pair, timeoutMs, attempts } = probe;
    if (pair.source.kind === 'address')
      return {
        kind: 'unprobeable',
        probe,
        reason: 'an address as a source can only be evaluated offline (predict)',
      };
    const source = this.livePod(pair.source);
    const destinationIp =
      pair.destination.kind === 'pod' ? this.livePod(pair.destination)?.ip : pair.destination.ip;
    if (!source?.nodeName || !destinationIp)
      return {
        kind: 'unprobeable',
        probe,
        reason: 'the source or destination pod is not running with an address',
      };
    const request = this.add(source.nodeName, {
      source: { kind: 'pod', uid: source.uid },
      ip: destinationIp,
      port: pair.port,
      protocol: pair.protocol,
      timeoutMs,
      attempts,
    });
    const listenerCheck = this.listenerCheck(pair, destinationIp, timeoutMs);
    return { kind: 'probed', probe, request, ...(listenerCheck === undefined ? {} : { listenerCheck }) };
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
    });
    this.listenerChecks.set(key, id);
    return id;
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

  batches(): Map<string, AgentBatch> {
    const batches = new Map<string, AgentBatch>();
    for (const [node, requests] of this.requests)
      batches.set(node, { version: AGENT_PROTOCOL_VERSION, requests });
    return batches;
  }
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
