/** What every reporter offers: a whole report from a run, and optionally live progress. */
import type { AssertionResult, RunResult } from '../probe/result.js';

export const REPORTER_NAMES = ['pretty', 'tap', 'junit', 'github', 'json'] as const;

export type ReporterName = (typeof REPORTER_NAMES)[number];

export interface Reporter {
  readonly name: ReporterName;
  /** The whole report, for stdout or a file; ends with a newline. */
  render(run: RunResult): string;
  /**
   * A line to show as an assertion finishes, for progress on a terminal while a run is
   * under way; the full report still comes from `render`. Only the pretty reporter has it.
   */
  onAssertion?(result: AssertionResult): string;
}

export interface ReporterOptions {
  /** ANSI colours in the pretty reporter; the caller decides (TTY, NO_COLOR, --color). */
  readonly color?: boolean;
}
