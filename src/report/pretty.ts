/**
 * The report for people at a terminal: a header per suite, a mark per assertion
 * (✓ pass, ✗ fail, ~ flaky, ? inconclusive, - skip) with its file:line, the pairs that
 * did not pass with the model's explanation under them, and one summary line. Colour
 * only when asked: the caller knows whether the stream is a TTY and what NO_COLOR says.
 */
import type { AssertionResult, Outcome, RunResult, SuiteResult } from '../probe/result.js';
import { notablePairs, outcomeMessage, pairLine } from './describe-result.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { exitCodeFor, formatCounts, summarize } from './summary.js';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'magenta' | 'cyan';

/** SGR codes, written out so no colour library or terminal probing is involved. */
const SGR: Readonly<Record<Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39],
};

const MARKS: Readonly<Record<Outcome, { readonly mark: string; readonly style: Style }>> = {
  pass: { mark: '✓', style: 'green' },
  fail: { mark: '✗', style: 'red' },
  flaky: { mark: '~', style: 'yellow' },
  inconclusive: { mark: '?', style: 'magenta' },
  skip: { mark: '-', style: 'cyan' },
};

type Paint = (style: Style, text: string) => string;

export function createPrettyReporter(options: ReporterOptions = {}): Reporter {
  const paint: Paint = options.color === true ? ansi : (_style, text) => text;
  return {
    name: 'pretty',
    render: (run) => renderPretty(run, paint),
    onAssertion: (result) => assertionHeadline(result, paint),
  };
}

function ansi(style: Style, text: string): string {
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

function renderPretty(run: RunResult, paint: Paint): string {
  const lines = [paint('dim', `netpol-assert ${run.mode} against ${run.target}`)];
  for (const suite of run.suites) lines.push('', ...suiteLines(suite, paint));
  lines.push('', summaryLine(run, paint));
  return `${lines.join('\n')}\n`;
}

function suiteLines(suite: SuiteResult, paint: Paint): string[] {
  const lines = [`${paint('bold', suite.suite.name)}  ${paint('dim', suite.suite.file)}`];
  for (const result of suite.assertions)
    lines.push(assertionHeadline(result, paint), ...assertionDetails(result, paint));
  return lines;
}

/** `  ✗ name  file:line`, the one line progress shows too. */
function assertionHeadline(result: AssertionResult, paint: Paint): string {
  const { mark, style } = MARKS[result.outcome];
  const { file, line } = result.assertion.location;
  return `  ${paint(style, mark)} ${result.assertion.name}  ${paint('dim', `${file}:${line}`)}`;
}

function assertionDetails(result: AssertionResult, paint: Paint): string[] {
  if (result.outcome === 'pass') return [];
  if (result.outcome === 'skip') return [`      ${paint('dim', outcomeMessage(result))}`];
  const lines = [`      ${outcomeMessage(result)}`];
  for (const pair of notablePairs(result)) {
    lines.push(`      ${paint(MARKS[pair.outcome].style, pairLine(pair))}`);
    for (const text of pair.explanation?.split('\n') ?? []) lines.push(`        ${paint('dim', text)}`);
  }
  return lines;
}

function summaryLine(run: RunResult, paint: Paint): string {
  const summary = summarize(run);
  const assertions = summary.total === 1 ? '1 assertion' : `${summary.total} assertions`;
  const text = `${assertions}: ${formatCounts(summary)} (${formatDuration(run.durationMs)})`;
  return paint(exitCodeFor(run) === 0 ? 'green' : 'red', text);
}

/** `840ms`, `12.3s`, `2m 5s` */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const seconds = Math.round(milliseconds / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
