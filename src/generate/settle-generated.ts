/**
 * What a generated case expects is what the model says, in the plan it will run in:
 * the cluster plus the probe pods and namespaces that plan creates. An assertion holds
 * only when every pair it stands for gives its verdict, so a case whose pairs the
 * policies treat differently is narrowed around one pair (one namespace, one pod's
 * labels, one pod, one port) and planned again; one that cannot be probed is left out.
 */
import { PlanModel, planProbes } from '../plan/index.js';
import type { PlannedAssertion, ProbePair, ProbePlan } from '../plan/index.js';
import type { ClusterState, ContainerPort } from '../policy/index.js';
import { BUILT_IN_DEFAULTS, suiteOf } from '../suite/index.js';
import type { Assertion, Expectation, Suite } from '../suite/index.js';
import { caseAssertion } from './case-assertion.js';
import { generateCases } from './generate-cases.js';
import type { GenerateOptions } from './generated-case.js';
import { narrowAssertion } from './narrow-assertion.js';

export interface SettledSuites {
  readonly suites: Suite[];
  /** The plan of the last round: the same pairs the settled suites plan to. */
  readonly plan: ProbePlan;
  /** The model over the cluster and the plan's probe pods, for explanations. */
  readonly model: PlanModel;
  /** Whether the model allows each pair of the plan, by key. */
  readonly allowed: ReadonlyMap<string, boolean>;
  /** Generated assertions left out: nothing to probe, or pairs the policies treat differently however narrowed. */
  readonly dropped: number;
}

/**
 * Narrowing takes at most a step per side and level (namespace, labels, pod) plus one
 * for the port; a case that still mixes verdicts after that many is left out.
 */
const MAX_NARROWING_STEPS = 8;
/** Whole-plan rounds; past the last, a case that mixes verdicts is left out unnarrowed. */
const MAX_ROUNDS = 3;

/** The model's answers for one plan. */
interface Evaluation {
  readonly plan: ProbePlan;
  readonly model: PlanModel;
  readonly allowed: ReadonlyMap<string, boolean>;
}

function evaluate(suites: readonly Suite[], state: ClusterState): Evaluation {
  const plan = planProbes(suites, state);
  const model = new PlanModel(state, plan);
  const allowed = new Map<string, boolean>();
  for (const [key, pair] of plan.pairs) allowed.set(key, model.allows(pair));
  return { plan, model, allowed };
}

/**
 * Sets the expectation of every generated assertion (origin `generated`) from the model.
 * The suites are planned whole, as they will run; the cases whose pairs disagree are
 * narrowed in a small plan of their own (cheap), and then the whole is planned again,
 * until every generated case agrees in the plan it will run in.
 */
/**
 * For cases meant to run as traffic: keep only those whose every destination answers,
 * among outside addresses only `outsideHosts`. Offline, every case the model can judge
 * is kept.
 */
export interface LiveGeneration {
  readonly outsideHosts: readonly OutsideHost[];
}

/** An address outside the cluster that answers on these ports (the lab's ExternalHosts). */
export interface OutsideHost {
  readonly address: string;
  readonly ports: readonly ContainerPort[];
}

export function settleGenerated(
  suites: readonly Suite[],
  state: ClusterState,
  live?: LiveGeneration,
): SettledSuites {
  const answers = live ? answeringDestinations(live.outsideHosts) : () => true;
  let current: readonly Suite[] = suites;
  let dropped = 0;
  for (let round = 0; ; round++) {
    const whole = evaluate(current, state);
    const unsettled = new Set<Assertion>();
    const settled = whole.plan.suites.map(({ suite, assertions }) => ({
      ...suite,
      assertions: assertions.map((planned) => {
        const expect =
          planned.assertion.origin.kind === 'generated' && planned.pairs.every(answers)
            ? uniformVerdict(planned, whole.allowed)
            : undefined;
        if (planned.assertion.origin.kind === 'generated' && expect === undefined)
          unsettled.add(planned.assertion);
        return expect === undefined ? planned.assertion : { ...planned.assertion, expect };
      }),
    }));
    if (unsettled.size === 0) return { suites: settled, ...whole, dropped };
    const replacements = round < MAX_ROUNDS ? narrowApart(whole, unsettled, state) : new Map();
    dropped += [...unsettled].filter((a) => replacements.get(a) === undefined).length;
    current = current.map((suite) => ({
      ...suite,
      assertions: suite.assertions.flatMap((a) => {
        if (!unsettled.has(a)) return [a];
        const replacement = replacements.get(a);
        return replacement === undefined ? [] : [replacement];
      }),
    }));
  }
}

/**
 * Each unsettled assertion narrowed, step by step, in a plan of the unsettled ones alone,
 * until its pairs agree there; undefined for one that cannot be narrowed further.
 */
function narrowApart(
  whole: Evaluation,
  unsettled: ReadonlySet<Assertion>,
  state: ClusterState,
): Map<Assertion, Assertion | undefined> {
  const replacements = new Map<Assertion, Assertion | undefined>();
  const pending = new Map<Assertion, Assertion>();
  for (const planned of whole.plan.suites.flatMap((s) => s.assertions)) {
    if (!unsettled.has(planned.assertion)) continue;
    const narrowed = narrowAssertion(planned, whole.allowed);
    replacements.set(planned.assertion, narrowed);
    if (narrowed !== undefined) pending.set(narrowed, planned.assertion);
  }
  for (let step = 1; step < MAX_NARROWING_STEPS && pending.size > 0; step++) {
    const alone = evaluate([scratchSuite([...pending.keys()])], state);
    for (const planned of alone.plan.suites[0]?.assertions ?? []) {
      const original = pending.get(planned.assertion);
      pending.delete(planned.assertion);
      if (original === undefined || uniformVerdict(planned, alone.allowed) !== undefined) continue;
      const narrowed = narrowAssertion(planned, alone.allowed);
      replacements.set(original, narrowed);
      if (narrowed !== undefined) pending.set(narrowed, original);
    }
  }
  return replacements;
}

/**
 * A generated case is kept only when it can be shown with traffic: its destination must
 * answer on the port (a pod that declares it, a responder the run creates, or a known
 * outside host), or a deny could never be told from a dead port and the case would only
 * ever be inconclusive.
 */
function answeringDestinations(outsideHosts: readonly OutsideHost[]): (pair: ProbePair) => boolean {
  const serves = (ports: readonly ContainerPort[], pair: ProbePair): boolean =>
    ports.some((p) => p.port === pair.port && p.protocol === pair.protocol);
  return (pair) => {
    const destination = pair.destination;
    if (destination.kind === 'pod') return serves(destination.pod.ports, pair);
    return outsideHosts.some((host) => host.address === destination.ip && serves(host.ports, pair));
  };
}

/** The verdict every pair gives; undefined when they differ or there is nothing to probe. */
function uniformVerdict(
  planned: PlannedAssertion,
  allowed: ReadonlyMap<string, boolean>,
): Expectation | undefined {
  if (planned.problems.length > 0 || planned.pairs.length === 0) return undefined;
  const verdicts = new Set(planned.pairs.map((pair) => allowed.get(pair.key)));
  if (verdicts.size !== 1 || verdicts.has(undefined)) return undefined;
  return verdicts.has(true) ? 'allow' : 'deny';
}

export interface GenerateAssertionsOptions extends GenerateOptions {
  /** Where reports place the assertions until they are written to a file. */
  readonly file?: string;
  /** Set for suites meant to run as traffic (see LiveGeneration). */
  readonly live?: LiveGeneration;
}

/** Where generated assertions stand before they are written to a suite file. */
export const GENERATED_FILE = '<generated>';

/** Cases derived from the policies in `state`, each expecting what the model says. */
export function generateAssertions(
  state: ClusterState,
  options: GenerateAssertionsOptions = {},
): Assertion[] {
  const location = { file: options.file ?? GENERATED_FILE, line: 0, col: 0 };
  const settings = { timeoutMs: BUILT_IN_DEFAULTS.timeoutMs, attempts: BUILT_IN_DEFAULTS.attempts, location };
  const outsideAddresses = options.live?.outsideHosts.map((host) => host.address);
  const candidates = generateCases(state, { ...options, outsideAddresses }).map((c) =>
    caseAssertion(c, 'allow', settings),
  );
  return [...(settleGenerated([scratchSuite(candidates)], state, options.live).suites[0]?.assertions ?? [])];
}

function scratchSuite(assertions: readonly Assertion[]): Suite {
  return suiteOf(assertions, { file: GENERATED_FILE, name: 'generated' });
}
