/**
 * A run as it goes, for reports that show it: the outline once the plan is made, then
 * each assertion as it is judged and each suite as its last assertion is, in plan order
 * (an assertion waits for those before it), so a report can be written top to bottom.
 */
import type { NetworkPolicy } from '../policy/index.js';
import type { Suite } from '../suite/index.js';
import type { AssertionResult, RunResult, SuiteResult } from './result.js';

/** What is known before anything is judged. */
export interface RunOutline {
  readonly mode: RunResult['mode'];
  readonly target: string;
  /** The suites as planned, in the order they will be judged. */
  readonly suites: readonly Suite[];
  /** The NetworkPolicies the model judges by (see RunResult). */
  readonly policies: readonly NetworkPolicy[];
}

/** Where an assertion stands: its suite's index in the run, and its own in the suite. */
export interface AssertionPosition {
  readonly suite: number;
  readonly assertion: number;
}

export interface RunProgress {
  onPlan?(outline: RunOutline): void;
  onAssertion?(result: AssertionResult, position: AssertionPosition): void;
  onSuite?(result: SuiteResult, index: number): void;
}
