/** What every reporter offers: a whole report from a run, and for some the same report as the run goes. */
import type { AssertionPosition, AssertionResult, RunOutline, RunResult, SuiteResult } from '../run/index.js';

export const REPORTER_NAMES = ['pretty', 'tap', 'junit', 'github', 'json'] as const;

export type ReporterName = (typeof REPORTER_NAMES)[number];

export interface Reporter {
  readonly name: ReporterName;
  /** The whole report, for stdout or a file; ends with a newline. */
  render(run: RunResult): string;
  /**
   * The same report written while the run goes, for formats read top to bottom (pretty,
   * tap): each assertion's lines as it is judged. The pieces joined are `render(run)`.
   */
  stream?(outline: RunOutline): ReportStream;
  /**
   * The whole report in pieces, for a format written once the run is over (json): a large
   * run's report is written piece by piece, never held as one string. Joined, `render(run)`.
   */
  chunks?(run: RunResult): Iterable<string>;
}

/** A report in pieces, each to be written as it is returned. */
export interface ReportStream {
  /** What comes before any assertion. */
  readonly head: string;
  /** An assertion's lines, as it is judged (in plan order). */
  onAssertion(result: AssertionResult, position: AssertionPosition): string;
  /** What closes a suite, after its last assertion. */
  onSuite(result: SuiteResult, index: number): string;
  /** The rest, once the run is over. */
  end(run: RunResult): string;
  /** What ends a report the run could not finish (interrupted, the cluster gone). */
  bail(reason: string): string;
}

export interface ReporterOptions {
  /** ANSI colours in the pretty reporter; the caller decides (TTY, NO_COLOR, --color). */
  readonly color?: boolean;
}

/** The whole report from a stream, for `render`: one way to write it, whole or in pieces. */
export function renderStreamed(open: (outline: RunOutline) => ReportStream, run: RunResult): string {
  const stream = open({
    mode: run.mode,
    target: run.target,
    // The suites as judged: a report stands for the results it is given.
    suites: run.suites.map(({ suite, assertions }) => ({
      ...suite,
      assertions: assertions.map((a) => a.assertion),
    })),
    policies: run.policies,
  });
  let text = stream.head;
  run.suites.forEach((suite, index) => {
    suite.assertions.forEach((result, assertion) => {
      text += stream.onAssertion(result, { suite: index, assertion });
    });
    text += stream.onSuite(suite, index);
  });
  return text + stream.end(run);
}

/** Lines as text, each ended by a newline. */
export function linesText(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}
