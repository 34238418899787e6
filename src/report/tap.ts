/**
 * TAP 14 (https://testanything.org/tap-version-14-specification.html): one subtest per
 * suite file, one test point per assertion, with a YAML diagnostic that names the
 * assertion's place and, when it did not pass, each pair that did not. Flaky and
 * inconclusive are `not ok` (they are never a pass), told apart by `severity`.
 */
import { stringify } from 'yaml';
import type { AssertionResult, PairResult, RunOutline, RunResult, SuiteResult } from '../run/index.js';
import type { Suite } from '../suite/index.js';
import { endpointText, explanationLines, notablePairs, outcomeMessage, portText } from './describe-result.js';
import type { KnownPolicies } from './render-verdict.js';
import { linesText, renderStreamed } from './reporter.js';
import type { Reporter, ReportStream } from './reporter.js';
import { formatCounts, summarize, summarizeAssertions } from './summary.js';

const CHILD_INDENT = '    ';

export function createTapReporter(): Reporter {
  return { name: 'tap', render: renderTap, stream: tapStream };
}

export function renderTap(run: RunResult): string {
  return renderStreamed(tapStream, run);
}

/**
 * A TAP consumer reads as it comes: the plan first, then each suite's subtest, its test
 * points as the assertions are judged and its own point once the last one is.
 */
export function tapStream(outline: RunOutline): ReportStream {
  const subtestHead = (suite: Suite | undefined): string =>
    suite === undefined
      ? ''
      : linesText([`# Subtest: ${oneLine(suite.name)}`, `${CHILD_INDENT}1..${suite.assertions.length}`]);
  return {
    head: linesText([
      'TAP version 14',
      `# netpol-assert ${outline.mode} against ${oneLine(outline.target)}`,
      `1..${outline.suites.length}`,
    ]),
    onAssertion: (result, position) =>
      (position.assertion === 0 ? subtestHead(outline.suites[position.suite]) : '') +
      linesText(assertionLines(result, position.assertion + 1, outline).map((line) => CHILD_INDENT + line)),
    onSuite: (result, index) =>
      (result.assertions.length === 0 ? subtestHead(result.suite) : '') +
      linesText(suiteLines(result, index + 1)),
    end: (run) => {
      const summary = summarize(run);
      return linesText([
        `# ${formatCounts(summary)} of ${summary.total} assertions in ${Math.round(run.durationMs)}ms`,
      ]);
    },
    bail: (reason) => linesText([`Bail out! ${oneLine(reason)}`]),
  };
}

/** The suite's own test point, after its assertions': ok when every one held. */
function suiteLines(suite: SuiteResult, number: number): string[] {
  const summary = summarizeAssertions(suite.assertions);
  const held = summary.fail + summary.flaky + summary.inconclusive === 0;
  return [
    `${held ? 'ok' : 'not ok'} ${number} - ${description(suite.suite.name)}`,
    ...diagnostic({ file: suite.suite.file, summary: formatCounts(summary), duration_ms: suite.durationMs }),
  ];
}

function assertionLines(result: AssertionResult, number: number, known: KnownPolicies): string[] {
  const name = description(result.assertion.name);
  if (result.outcome === 'skip') {
    const reason = oneLine(result.reason ?? result.assertion.skip ?? '');
    return [
      `ok ${number} - ${name} # SKIP${reason === '' ? '' : ` ${reason}`}`,
      ...diagnostic(place(result)),
    ];
  }
  const ok = result.outcome === 'pass';
  const details = ok ? place(result) : failureDetails(result, known);
  return [`${ok ? 'ok' : 'not ok'} ${number} - ${name}`, ...diagnostic(details)];
}

function place(result: AssertionResult): Record<string, unknown> {
  const { file, line, col } = result.assertion.location;
  return { file, line, col, expected: result.assertion.expect, duration_ms: result.durationMs };
}

function failureDetails(result: AssertionResult, known: KnownPolicies): Record<string, unknown> {
  return {
    message: outcomeMessage(result),
    severity: result.outcome,
    ...place(result),
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    ...(notablePairs(result).length === 0
      ? {}
      : { pairs: notablePairs(result).map((pair) => pairDetails(pair, known)) }),
  };
}

function pairDetails(pair: PairResult, known: KnownPolicies): Record<string, unknown> {
  const explanation = explanationLines(pair, known).join('\n');
  return {
    source: endpointText(pair.source),
    destination: endpointText(pair.destination),
    port: portText(pair),
    outcome: pair.outcome,
    observations: [...pair.observations],
    ...(pair.reason === undefined ? {} : { reason: pair.reason }),
    ...(explanation === '' ? {} : { explanation }),
    ...(pair.settledAfterSeconds === undefined ? {} : { settled_after_seconds: pair.settledAfterSeconds }),
  };
}

/** A YAML block indented two spaces under its test point, as TAP 14 has it. */
function diagnostic(details: Record<string, unknown>): string[] {
  const yaml = stringify(details, { lineWidth: 0 }).trimEnd();
  return ['  ---', ...yaml.split('\n').map((line) => `  ${line}`), '  ...'];
}

/** A test point's description: one line, with `#` and `\` escaped as TAP 14 asks. */
function description(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
