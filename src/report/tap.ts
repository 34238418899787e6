/**
 * TAP 14 (https://testanything.org/tap-version-14-specification.html): one subtest per
 * suite file, one test point per assertion, with a YAML diagnostic that names the
 * assertion's place and, when it did not pass, each pair that did not. Flaky and
 * inconclusive are `not ok` (they are never a pass), told apart by `severity`.
 */
import { stringify } from 'yaml';
import type { AssertionResult, PairResult, RunResult, SuiteResult } from '../probe/result.js';
import { endpointText, notablePairs, outcomeMessage, portText } from './describe-result.js';
import type { Reporter } from './reporter.js';
import { formatCounts, summarize, summarizeAssertions } from './summary.js';

const CHILD_INDENT = '    ';

export function createTapReporter(): Reporter {
  return { name: 'tap', render: renderTap };
}

export function renderTap(run: RunResult): string {
  const lines = [
    'TAP version 14',
    `# netpol-assert ${run.mode} against ${oneLine(run.target)}`,
    `1..${run.suites.length}`,
  ];
  run.suites.forEach((suite, index) => lines.push(...suiteLines(suite, index + 1)));
  const summary = summarize(run);
  lines.push(`# ${formatCounts(summary)} of ${summary.total} assertions in ${run.durationMs}ms`);
  return `${lines.join('\n')}\n`;
}

function suiteLines(suite: SuiteResult, number: number): string[] {
  const summary = summarizeAssertions(suite.assertions);
  const held = summary.fail + summary.flaky + summary.inconclusive === 0;
  const children = [`1..${suite.assertions.length}`];
  suite.assertions.forEach((result, index) => children.push(...assertionLines(result, index + 1)));
  return [
    `# Subtest: ${oneLine(suite.suite.name)}`,
    ...children.map((line) => CHILD_INDENT + line),
    `${held ? 'ok' : 'not ok'} ${number} - ${description(suite.suite.name)}`,
    ...diagnostic({ file: suite.suite.file, summary: formatCounts(summary), duration_ms: suite.durationMs }),
  ];
}

function assertionLines(result: AssertionResult, number: number): string[] {
  const name = description(result.assertion.name);
  if (result.outcome === 'skip') {
    const reason = oneLine(result.reason ?? result.assertion.skip ?? '');
    return [
      `ok ${number} - ${name} # SKIP${reason === '' ? '' : ` ${reason}`}`,
      ...diagnostic(place(result)),
    ];
  }
  const ok = result.outcome === 'pass';
  const details = ok ? place(result) : failureDetails(result);
  return [`${ok ? 'ok' : 'not ok'} ${number} - ${name}`, ...diagnostic(details)];
}

function place(result: AssertionResult): Record<string, unknown> {
  const { file, line, col } = result.assertion.location;
  return { file, line, col, expected: result.assertion.expect, duration_ms: result.durationMs };
}

function failureDetails(result: AssertionResult): Record<string, unknown> {
  return {
    message: outcomeMessage(result),
    severity: result.outcome,
    ...place(result),
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    ...(notablePairs(result).length === 0 ? {} : { pairs: notablePairs(result).map(pairDetails) }),
  };
}

function pairDetails(pair: PairResult): Record<string, unknown> {
  return {
    source: endpointText(pair.source),
    destination: endpointText(pair.destination),
    port: portText(pair),
    outcome: pair.outcome,
    observations: [...pair.observations],
    ...(pair.reason === undefined ? {} : { reason: pair.reason }),
    ...(pair.explanation === undefined ? {} : { explanation: pair.explanation }),
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
