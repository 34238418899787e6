/**
 * `generate: true` in a suite (or `--generate` for every suite): the suite's own
 * assertions plus the cases derived from the policies in force, planned together so
 * identical probes run once. Before anything runs, each of the suite's own assertions
 * is checked against the same model: one that expects what the policies contradict is
 * reported with the pair and the model's reasons, so the user learns which side is wrong.
 */
import type { ProbePair } from '../plan/index.js';
import type { ClusterState, PolicyVerdict } from '../policy/index.js';
import type { Assertion, Suite } from '../suite/index.js';
import { caseAssertion } from './case-assertion.js';
import { caseKey, generateCases } from './generate-cases.js';
import type { GeneratedCase, GenerateOptions } from './generated-case.js';
import { settleGenerated } from './settle-generated.js';
import type { LiveGeneration, SettledSuites } from './settle-generated.js';

export interface MergeOptions extends GenerateOptions {
  /** Add generated cases to every suite, not only to those with `generate: true`. */
  readonly all?: boolean;
  /** Check every suite's own assertions against the model, also where nothing is generated. */
  readonly checkAll?: boolean;
  /** Set for runs as traffic (see LiveGeneration). */
  readonly live?: LiveGeneration;
}

/** One of a suite's own assertions whose expectation the model contradicts. */
export interface Contradiction {
  readonly suite: Suite;
  readonly assertion: Assertion;
  /** The first pair that gives the other verdict, and the model's reasons for it. */
  readonly pair: ProbePair;
  readonly verdict: PolicyVerdict;
  /** How many of the assertion's pairs give the other verdict, of how many. */
  readonly disagreeing: number;
  readonly pairs: number;
}

export interface MergedSuites {
  readonly suites: Suite[];
  /** Generated assertions added, over all suites. */
  readonly generated: number;
  readonly contradictions: readonly Contradiction[];
  /** The cluster plus the plan's probe pods: what explanations refer to. */
  readonly state: ClusterState;
}

export function mergeGenerated(
  suites: readonly Suite[],
  state: ClusterState,
  options: MergeOptions = {},
): MergedSuites {
  const wanted = (suite: Suite): boolean => options.all === true || suite.generate;
  const checked = (suite: Suite): boolean => options.checkAll === true || wanted(suite);
  if (!suites.some(checked)) return { suites: [...suites], generated: 0, contradictions: [], state };
  const outsideAddresses = options.live?.outsideHosts.map((host) => host.address);
  const cases = suites.some(wanted) ? generateCases(state, { ...options, outsideAddresses }) : [];
  const settled = settleGenerated(
    suites.map((suite) => (wanted(suite) ? withCases(suite, cases) : suite)),
    state,
    options.live,
  );
  const generated = settled.suites
    .flatMap((suite) => suite.assertions)
    .filter((a) => a.origin.kind === 'generated').length;
  return {
    suites: settled.suites,
    generated,
    contradictions: contradictions(settled, checked),
    state: settled.model.state,
  };
}

/** The suite's assertions, then the cases it does not already state, placed on the suite. */
function withCases(suite: Suite, cases: readonly GeneratedCase[]): Suite {
  const stated = new Set(suite.assertions.map(caseKey));
  const settings = { ...suite.defaults, location: suite.location };
  const added = cases.filter((c) => !stated.has(caseKey(c))).map((c) => caseAssertion(c, 'allow', settings));
  return { ...suite, assertions: [...suite.assertions, ...added] };
}

function contradictions(settled: SettledSuites, checked: (suite: Suite) => boolean): Contradiction[] {
  const found: Contradiction[] = [];
  for (const { suite, assertions } of settled.plan.suites) {
    if (!checked(suite)) continue;
    for (const { assertion, pairs, problems } of assertions) {
      if (assertion.origin.kind === 'generated' || assertion.skip !== undefined || problems.length > 0)
        continue;
      const allowed = assertion.expect === 'allow';
      const disagreeing = pairs.filter((pair) => settled.allowed.get(pair.key) !== allowed);
      const first = disagreeing[0];
      if (first === undefined) continue;
      found.push({
        suite,
        assertion,
        pair: first,
        verdict: settled.model.verdict(first),
        disagreeing: disagreeing.length,
        pairs: pairs.length,
      });
    }
  }
  return found;
}
