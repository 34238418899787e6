/**
 * The offline runner: a ProbePlan executed by the policy model instead of the wire.
 * Produces the same RunResult as a live run, so every reporter serves both.
 */
import type { ClusterState } from '../policy/cluster.js';
import { PolicyEngine } from '../policy/index.js';
import type { PolicyVerdict, Traffic, TrafficEndpoint } from '../policy/index.js';
import type { Expectation } from '../suite/types.js';
import { describeEndpoint } from './plan.js';
import type { PlannedAssertion, ProbeEndpoint, ProbePair, ProbePlan } from './plan.js';
import { combineOutcomes } from './result.js';
import type { AssertionResult, EndpointRef, PairResult, RunResult, SuiteResult } from './result.js';

export interface PredictOptions {
  /** Renders a verdict for failing pairs; kept out of here so reports own the wording. */
  readonly explain?: (verdict: PolicyVerdict) => string;
  readonly target: string;
}

/** The state the model sees: the cluster plus the pods and namespaces a run would create. */
export function stateWithSynthetics(state: ClusterState, plan: ProbePlan): ClusterState {
  return {
    ...state,
    namespaces: [...state.namespaces, ...plan.syntheticNamespaces],
    pods: [...state.pods, ...plan.syntheticPods],
  };
}

export function predict(plan: ProbePlan, state: ClusterState, options: PredictOptions): RunResult {
  const started = Date.now();
  const engine = new PolicyEngine(stateWithSynthetics(state, plan));
  const verdicts = new Map<string, PolicyVerdict>();
  for (const [key, pair] of plan.pairs) verdicts.set(key, engine.verdict(trafficOf(pair)));
  const suites: SuiteResult[] = plan.suites.map(({ suite, assertions }) => ({
    suite,
    assertions: assertions.map((planned) => assertionResult(planned, verdicts, options)),
    durationMs: 0,
  }));
  return { mode: 'predict', target: options.target, suites, durationMs: Date.now() - started };
}

function assertionResult(
  planned: PlannedAssertion,
  verdicts: ReadonlyMap<string, PolicyVerdict>,
  options: PredictOptions,
): AssertionResult {
  const { assertion } = planned;
  if (assertion.skip !== undefined) {
    return { assertion, outcome: 'skip', pairs: [], reason: assertion.skip, durationMs: 0 };
  }
  const pairs = planned.pairs.map((pair) => {
    const verdict = verdicts.get(pair.key);
    if (!verdict) throw new Error(`pair ${pair.key} was planned but not evaluated`);
    return pairResult(pair, verdict, assertion.expect, options);
  });
  const outcome = planned.problems.length > 0 ? 'inconclusive' : combineOutcomes(pairs.map((p) => p.outcome));
  const reason = planned.problems.length > 0 ? planned.problems.join('; ') : undefined;
  return { assertion, outcome, pairs, ...(reason ? { reason } : {}), durationMs: 0 };
}

function pairResult(
  pair: ProbePair,
  verdict: PolicyVerdict,
  expected: Expectation,
  options: PredictOptions,
): PairResult {
  const observed = verdict.allowed ? 'allow' : 'deny';
  const outcome = observed === expected ? 'pass' : 'fail';
  return {
    source: endpointRef(pair.source),
    destination: endpointRef(pair.destination),
    port: pair.port,
    protocol: pair.protocol,
    expected,
    observations: [verdict.allowed ? 'allowed' : 'denied'],
    outcome,
    ...(outcome === 'fail' && options.explain ? { explanation: options.explain(verdict) } : {}),
  };
}

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

export function endpointRef(e: ProbeEndpoint): EndpointRef {
  const ip = e.kind === 'pod' ? e.pod.ips[0] : e.ip;
  return { display: describeEndpoint(e), ...(ip ? { ip } : {}) };
}
