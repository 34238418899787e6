/**
 * The one judge: a runner's records in, the run's result out. Each pair is judged from
 * its record (a deny counts only with a listener shown, see judge.ts), each assertion
 * from its pairs and the planner's problems, and each suite from its assertions; every
 * pair that did not pass carries the model's verdict. Assertions are judged in plan order
 * as soon as their pairs' records are in, so a report can follow the run.
 */
import type { PlanModel, PlannedAssertion, ProbeEndpoint, ProbePair, ProbePlan } from '../plan/index.js';
import { describeEndpoint } from '../plan/index.js';
import type { Suite } from '../suite/index.js';
import { judgeAttempts } from './judge.js';
import type { PairObservation, Runner } from './observation.js';
import type { RunProgress } from './progress.js';
import { combineOutcomes } from './result.js';
import type { AssertionResult, EndpointRef, PairResult, RunResult, SuiteResult } from './result.js';

export interface JudgeOptions {
  /** Which pairs carry the model's verdict: those that did not pass (reports), or all (`explain`). */
  readonly verdicts?: 'failing' | 'every';
  readonly progress?: RunProgress;
  /** When the run started (performance.now()), when that was before judging. */
  readonly startedAt?: number;
}

export class RunJudge {
  private readonly records = new Map<string, PairObservation>();
  /**
   * How many assertions not judged yet name each pair: a record goes once the last of
   * them is judged, so a large run does not hold every record beside its result.
   */
  private readonly uses = new Map<string, number>();
  private readonly suites: SuiteResult[] = [];
  private readonly startedAt: number;
  /** Where judging stands: the suite, its assertion, and that assertion's first pair without a record. */
  private suiteAt = 0;
  private assertionAt = 0;
  private pairAt = 0;
  private judged: AssertionResult[] = [];

  constructor(
    private readonly plan: ProbePlan,
    private readonly model: PlanModel,
    private readonly runner: Pick<Runner, 'mode' | 'target' | 'concurrent'>,
    private readonly options: JudgeOptions = {},
  ) {
    this.startedAt = options.startedAt ?? performance.now();
    for (const { assertions } of plan.suites)
      for (const { pairs } of assertions)
        for (const pair of pairs) this.uses.set(pair.key, (this.uses.get(pair.key) ?? 0) + 1);
    options.progress?.onPlan?.({
      mode: runner.mode,
      target: runner.target,
      suites: plan.suites.map(({ suite }) => suite),
      policies: model.policies,
    });
    this.advance();
  }

  /** A pair's final record; the assertions it completes are judged at once. */
  add(record: PairObservation): void {
    this.records.set(record.pair.key, record);
    this.advance();
  }

  /** Records kept for assertions still to judge: a pair's goes once the last that names it is judged. */
  get heldRecords(): number {
    return this.records.size;
  }

  /** The result, once every pair of the plan has its record. */
  finish(): RunResult {
    this.advance();
    if (this.suiteAt < this.plan.suites.length) {
      const waiting = this.plan.suites[this.suiteAt]?.assertions[this.assertionAt]?.pairs[this.pairAt];
      throw new Error(`pair ${waiting?.key ?? '?'} was planned but not observed`);
    }
    return {
      mode: this.runner.mode,
      target: this.runner.target,
      suites: this.suites,
      durationMs: roundMs(performance.now() - this.startedAt),
      policies: this.model.policies,
    };
  }

  private advance(): void {
    const progress = this.options.progress;
    for (; this.suiteAt < this.plan.suites.length; this.suiteAt++, this.assertionAt = 0) {
      const { suite, assertions } = this.plan.suites[this.suiteAt] as ProbePlan['suites'][number];
      for (; this.assertionAt < assertions.length; this.assertionAt++, this.pairAt = 0) {
        const planned = assertions[this.assertionAt] as PlannedAssertion;
        if (!this.hasRecords(planned)) return;
        const result = this.judgeAssertion(planned);
        this.judged.push(result);
        progress?.onAssertion?.(result, { suite: this.suiteAt, assertion: this.assertionAt });
      }
      const result = this.suiteResult(suite, this.judged);
      this.suites.push(result);
      this.judged = [];
      progress?.onSuite?.(result, this.suiteAt);
    }
  }

  /** Whether every pair has its record; records only arrive, so the pairs checked stay checked. */
  private hasRecords(planned: PlannedAssertion): boolean {
    while (this.pairAt < planned.pairs.length) {
      const pair = planned.pairs[this.pairAt] as ProbePair;
      if (!this.records.has(pair.key)) return false;
      this.pairAt++;
    }
    return true;
  }

  private judgeAssertion(planned: PlannedAssertion): AssertionResult {
    const { assertion, problems } = planned;
    if (assertion.skip !== undefined) {
      for (const pair of planned.pairs) this.take(pair.key);
      return { assertion, outcome: 'skip', pairs: [], reason: assertion.skip, durationMs: 0 };
    }
    const records = planned.pairs.map((pair) => this.take(pair.key));
    const pairs = records.map((record) => this.judgePair(record, assertion.expect));
    const outcome = problems.length > 0 ? 'inconclusive' : combineOutcomes(pairs.map((p) => p.outcome));
    return {
      assertion,
      outcome,
      pairs,
      ...(problems.length > 0 ? { reason: problems.map((p) => p.message).join('; ') } : {}),
      durationMs: this.together(records.map((record) => record.durationMs)),
    };
  }

  /** A pair's record for the assertion being judged; forgotten once no assertion still to judge names it. */
  private take(key: string): PairObservation {
    const record = this.records.get(key) as PairObservation;
    const uses = (this.uses.get(key) ?? 1) - 1;
    if (uses > 0) this.uses.set(key, uses);
    else {
      this.uses.delete(key);
      this.records.delete(key);
    }
    return record;
  }

  private judgePair(record: PairObservation, expected: AssertionResult['assertion']['expect']): PairResult {
    const { pair } = record;
    const judged = judgeAttempts(record.observations, record.listener ?? 'unknown', expected);
    // What kept the pair from being observed says more than what its placeholder attempt shows.
    const reason = record.problem ?? judged.reason;
    const withVerdict = this.options.verdicts === 'every' || judged.outcome !== 'pass';
    return {
      source: endpointRef(pair.source),
      destination: endpointRef(pair.destination),
      port: pair.port,
      protocol: pair.protocol,
      expected,
      observations: [...record.observations],
      outcome: judged.outcome,
      ...(reason === undefined ? {} : { reason }),
      ...(withVerdict ? { verdict: this.model.verdict(pair) } : {}),
      ...(record.settledAfterSeconds === undefined
        ? {}
        : { settledAfterSeconds: record.settledAfterSeconds }),
    };
  }

  private suiteResult(suite: Suite, assertions: readonly AssertionResult[]): SuiteResult {
    return { suite, assertions, durationMs: this.together(assertions.map((a) => a.durationMs)) };
  }

  /** Parts observed side by side take as long as the slowest; one after another, they add up. */
  private together(durations: readonly number[]): number {
    const total = this.runner.concurrent
      ? Math.max(0, ...durations)
      : durations.reduce((sum, duration) => sum + duration, 0);
    return roundMs(total);
  }
}

export function endpointRef(e: ProbeEndpoint): EndpointRef {
  const ip = e.kind === 'pod' ? e.pod.ips[0] : e.ip;
  return { display: describeEndpoint(e), ...(ip ? { ip } : {}) };
}

/** To the microsecond: finer says nothing, and reports stay readable. */
export function roundMs(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
