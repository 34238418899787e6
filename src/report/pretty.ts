/**
 * The report for people at a terminal: a header per suite, a mark per assertion
 * (✓ pass, ✗ fail, ~ flaky, ? inconclusive, - skip) with its file:line, the pairs that
 * did not pass with the model's explanation under them, and one summary line. Written
 * as the run goes (each assertion as it is judged), so it shows progress at a terminal.
 * Colour only when asked: the caller knows whether the stream is a TTY and what NO_COLOR says.
 */
import type { AssertionResult, Outcome, RunOutline, RunResult } from '../run/index.js';
import type { Suite } from '../suite/index.js';
import { explanationLines, notablePairs, outcomeMessage, pairLine } from './describe-result.js';
import type { KnownPolicies } from './render-verdict.js';
import { linesText, renderStreamed } from './reporter.js';
import type { Reporter, ReporterOptions, ReportStream } from './reporter.js';
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
  const stream = (outline: RunOutline): ReportStream => prettyStream(outline, paint);
  return { name: 'pretty', render: (run) => renderStreamed(stream, run), stream };
}

function ansi(style: Style, text: string): string {
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** A suite's header comes with its first assertion, so a person sees each line as it is judged. */
function prettyStream(outline: RunOutline, paint: Paint): ReportStream {
  const suiteHead = (suite: Suite | undefined): string =>
    suite === undefined ? '' : linesText(['', `${paint('bold', suite.name)}  ${paint('dim', suite.file)}`]);
  return {
    head: linesText([paint('dim', `netpol-assert ${outline.mode} against ${outline.target}`)]),
    onAssertion: (result, position) =>
      (position.assertion === 0 ? suiteHead(outline.suites[position.suite]) : '') +
      linesText([assertionHeadline(result, paint), ...assertionDetails(result, paint, outline)]),
    onSuite: (result) => (result.assertions.length === 0 ? suiteHead(result.suite) : ''),
    end: (run) => linesText(['', summaryLine(run, paint)]),
    bail: () => '',
  };
}

/** `  ✗ name  file:line` */
function assertionHeadline(result: AssertionResult, paint: Paint): string {
  const { mark, style } = MARKS[result.outcome];
  const { file, line } = result.assertion.location;
  return `  ${paint(style, mark)} ${result.assertion.name}  ${paint('dim', `${file}:${line}`)}`;
}

function assertionDetails(result: AssertionResult, paint: Paint, known: KnownPolicies): string[] {
  if (result.outcome === 'pass') return [];
  if (result.outcome === 'skip') return [`      ${paint('dim', outcomeMessage(result))}`];
  const lines = [`      ${outcomeMessage(result)}`];
  for (const pair of notablePairs(result)) {
    lines.push(`      ${paint(MARKS[pair.outcome].style, pairLine(pair))}`);
    for (const text of explanationLines(pair, known)) lines.push(`        ${paint('dim', text)}`);
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
