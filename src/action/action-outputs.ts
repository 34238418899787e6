/** The outputs of the GitHub Action's step: the CLI's exit code and the report's counts. */
import type { JsonReport } from '../report/index.js';

/** Every output the step writes; action.yml's `outputs:` map exactly these. */
export const ACTION_OUTPUT_NAMES = [
  'exit-code',
  'passed',
  'failed',
  'flaky',
  'inconclusive',
  'skipped',
  'total',
] as const;

export type ActionOutputName = (typeof ACTION_OUTPUT_NAMES)[number];

/**
 * Without a report (exit 2, 3 or 130: nothing was judged) the counts are empty strings,
 * not zeros, so `outputs.failed == 0` cannot pass a run that never happened.
 */
export function actionOutputs(
  exitCode: number,
  report: JsonReport | undefined,
): Readonly<Record<ActionOutputName, string>> {
  const count = (value: number | undefined): string => (value === undefined ? '' : String(value));
  const summary = report?.summary;
  return {
    'exit-code': String(exitCode),
    passed: count(summary?.pass),
    failed: count(summary?.fail),
    flaky: count(summary?.flaky),
    inconclusive: count(summary?.inconclusive),
    skipped: count(summary?.skip),
    total: count(summary?.total),
  };
}

/** `name=value` lines, as $GITHUB_OUTPUT takes single-line values. */
export function formatOutputFile(outputs: Readonly<Record<string, string>>): string {
  return Object.entries(outputs)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}
