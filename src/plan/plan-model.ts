/**
 * What the policy model says about a plan's pairs. The model sees the cluster plus the
 * pods and namespaces the plan would create, as a run makes them; it is built on the first
 * question, and each pair's verdict is worked out once.
 */
import { PolicyEngine } from '../policy/index.js';
import type {
  ClusterState,
  NetworkPolicy,
  PolicyVerdict,
  Traffic,
  TrafficEndpoint,
} from '../policy/index.js';
import type { ProbeEndpoint, ProbePair, ProbePlan } from './plan.js';

/** The state the model sees: the cluster plus the pods and namespaces a run would create. */
export function stateWithSynthetics(state: ClusterState, plan: ProbePlan): ClusterState {
  return {
    ...state,
    namespaces: [...state.namespaces, ...plan.syntheticNamespaces],
    pods: [...state.pods, ...plan.syntheticPods],
  };
}

/** A pair as the model's question. */
export function trafficOf(pair: ProbePair): Traffic {
  return {
    source: trafficEndpoint(pair.source),
    destination: trafficEndpoint(pair.destination),
    port: pair.port,
    protocol: pair.protocol,
  };
}

function trafficEndpoint(e: ProbeEndpoint): TrafficEndpoint {
  return e.kind === 'pod' ? { kind: 'pod', pod: e.pod } : { kind: 'address', ip: e.ip };
}

export class PlanModel {
  /** The cluster plus the plan's probe pods and namespaces. */
  readonly state: ClusterState;
  private built: PolicyEngine | undefined;
  /** By pair key: a pair is asked about by every assertion it serves, and answered once. */
  private readonly verdicts = new Map<string, PolicyVerdict>();

  constructor(state: ClusterState, plan: ProbePlan) {
    this.state = stateWithSynthetics(state, plan);
  }

  /** The NetworkPolicies the verdicts name by index. */
  get policies(): readonly NetworkPolicy[] {
    return this.state.policies;
  }

  /** The engine, built now if it was not yet: a runner that times its pairs builds it first. */
  get engine(): PolicyEngine {
    this.built ??= new PolicyEngine(this.state);
    return this.built;
  }

  /** Only the answer, without reasons: what generation asks of every pair, many times over. */
  allows(pair: ProbePair): boolean {
    return this.verdicts.get(pair.key)?.allowed ?? this.engine.allows(trafficOf(pair));
  }

  verdict(pair: ProbePair): PolicyVerdict {
    let verdict = this.verdicts.get(pair.key);
    if (verdict === undefined) {
      verdict = this.engine.verdict(trafficOf(pair));
      this.verdicts.set(pair.key, verdict);
    }
    return verdict;
  }
}
