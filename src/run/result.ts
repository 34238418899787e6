/**
 * What a run found, apart from what the suite asked: the same shapes come out of the
 * model (`predict`) and out of real traffic (`run`), so every reporter serves both.
 */
import type { NetworkPolicy, PolicyVerdict, Protocol } from '../policy/index.js';
import type { Assertion, Expectation, Suite } from '../suite/index.js';

/** What one probe saw on the wire, or what the model says it would see. */
export type Observation =
  | 'connected' // TCP/SCTP handshake completed, or a UDP datagram was echoed
  | 'refused' // a RST or ICMP port-unreachable from the destination itself
  | 'timeout' // nothing came back: dropped
  | 'unreachable' // ICMP admin-prohibited and the like: rejected by policy
  | 'error' // the probe could not be carried out
  | 'unsupported' // e.g. SCTP without kernel support
  | 'allowed' // model verdict
  | 'denied'; // model verdict

/** pass and fail compare with the expectation; flaky and inconclusive never count as pass. */
export type Outcome = 'pass' | 'fail' | 'flaky' | 'inconclusive' | 'skip';

/** One side of a probed pair, named for humans. */
export interface EndpointRef {
  /** `ns/name` for a pod, `node:NAME`, or an address. */
  readonly display: string;
  readonly ip?: string;
}

export interface PairResult {
  readonly source: EndpointRef;
  readonly destination: EndpointRef;
  readonly port: number;
  readonly protocol: Protocol;
  readonly expected: Expectation;
  /** One observation per attempt. */
  readonly observations: readonly Observation[];
  readonly outcome: Exclude<Outcome, 'skip'>;
  /** Why the outcome is what it is, when that is not obvious (inconclusive, flaky, fail). */
  readonly reason?: string;
  /**
   * What the policies say about this pair and why, from the model, as data: on every pair
   * that did not pass (and on every pair for `explain`). Reporters put it in words.
   */
  readonly verdict?: PolicyVerdict;
  /** Seconds a `--settle` retry waited before the observation matched. */
  readonly settledAfterSeconds?: number;
}

export interface AssertionResult {
  readonly assertion: Assertion;
  readonly outcome: Outcome;
  readonly pairs: readonly PairResult[];
  /** Set when no pair could be formed or the assertion was skipped. */
  readonly reason?: string;
  /** How long observing its pairs took, as measured by the runner (0: nothing was observed). */
  readonly durationMs: number;
}

export interface SuiteResult {
  readonly suite: Suite;
  readonly assertions: readonly AssertionResult[];
  /** How long observing its assertions took, as measured by the runner. */
  readonly durationMs: number;
}

export interface RunResult {
  readonly mode: 'predict' | 'run';
  /** The cluster or state the run was against, for headers. */
  readonly target: string;
  readonly suites: readonly SuiteResult[];
  /** Wall-clock time of the whole run. */
  readonly durationMs: number;
  /** The NetworkPolicies the model judged by: a verdict names their rules by index. */
  readonly policies: readonly NetworkPolicy[];
}

/** pass only when every pair passed; any fail wins over flaky, flaky over inconclusive. */
export function combineOutcomes(outcomes: readonly Exclude<Outcome, 'skip'>[]): Exclude<Outcome, 'skip'> {
  if (outcomes.length === 0) return 'inconclusive';
  for (const worst of ['fail', 'flaky', 'inconclusive'] as const) if (outcomes.includes(worst)) return worst;
  return 'pass';
}
