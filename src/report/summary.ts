/** Counts of outcomes, and the exit code they mean. */
import type { AssertionResult, Outcome, RunResult } from '../run/index.js';

export type Summary = Readonly<Record<Outcome, number>> & { readonly total: number };

export function summarizeAssertions(results: readonly AssertionResult[]): Summary {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, flaky: 0, inconclusive: 0, skip: 0 };
  for (const result of results) counts[result.outcome] += 1;
  return { ...counts, total: results.length };
}

export function summarize(run: RunResult): Summary {
  return summarizeAssertions(run.suites.flatMap((suite) => suite.assertions));
}

/**
 * 0 when every assertion held (skips aside), 1 otherwise. The contract gives 1 for "some
 * assertion failed or was flaky" and says inconclusive is "never a pass": an assertion
 * nobody could verify must not let a pipeline through, so inconclusive exits 1 as well.
 */
export function exitCodeFor(run: RunResult): 0 | 1 {
  const { fail, flaky, inconclusive } = summarize(run);
  return fail + flaky + inconclusive === 0 ? 0 : 1;
}

/** `3 passed, 1 failed, 1 flaky` — zero counts left out, in a fixed order. */
export function formatCounts(summary: Summary): string {
  const parts: [number, string][] = [
    [summary.pass, 'passed'],
    [summary.fail, 'failed'],
    [summary.flaky, 'flaky'],
    [summary.inconclusive, 'inconclusive'],
    [summary.skip, 'skipped'],
  ];
  const shown = parts.filter(([count]) => count > 0).map(([count, word]) => `${count} ${word}`);
  return shown.length === 0 ? 'no assertions' : shown.join(', ');
}
