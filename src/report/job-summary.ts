/**
 * The job summary of the GitHub Action: the counts, then a table of the assertions that
 * did not hold, rendered from the JSON report (`--json FILE`) so it needs nothing but
 * that file. GitHub shows it on the run's page; it takes GitHub-flavoured Markdown.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
import { observationsText, pairTitle } from './describe-result.js';
import type { JsonAssertion, JsonReport } from './json.js';
import { formatCounts } from './summary.js';

export interface JobSummaryOptions {
  /**
   * `https://github.com/OWNER/REPO/blob/SHA/`: suite files given as relative paths link to
   * their line there. Without it, locations are plain text.
   */
  readonly blobUrl?: string;
  /** Rows past this many are counted, not shown: a summary is capped at 1 MiB per step. */
  readonly maxRows?: number;
  /** Pairs past this many in one row are counted, not shown. */
  readonly maxPairs?: number;
}

const DEFAULT_MAX_ROWS = 100;
const DEFAULT_MAX_PAIRS = 5;

export function renderJobSummary(report: JsonReport, options: JobSummaryOptions = {}): string {
  const { summary } = report;
  const headline =
    report.exitCode === 0
      ? `✅ every assertion held: ${formatCounts(summary)} of ${summary.total}`
      : `❌ ${formatCounts(summary)} of ${summary.total} assertions`;
  const seconds = (report.durationMs / 1000).toFixed(1);
  const lines = [
    `## netpol-assert: ${headline}`,
    '',
    `${report.mode === 'run' ? 'Real traffic' : 'The policy model'} against \`${codeText(report.target)}\`, ${seconds} s.`,
  ];
  const rows = report.suites.flatMap((suite) => suite.assertions.filter(isNotable));
  if (rows.length > 0) lines.push('', ...failureTable(rows, options));
  return `${lines.join('\n')}\n`;
}

/** When the run ended before it could write a report (bad input, no cluster, interrupted). */
export function renderNoReportSummary(exitCode: number): string {
  return [
    `## netpol-assert: ❌ no report (exit code ${exitCode})`,
    '',
    `${NO_REPORT_REASONS[exitCode] ?? 'The run ended before it wrote its report'}; the step's log says why.`,
    '',
  ].join('\n');
}

const NO_REPORT_REASONS: Readonly<Record<number, string>> = {
  2: 'Bad input (a suite, a flag or a manifest): nothing was run',
  3: 'The cluster or the agent could not be used',
  130: 'The run was interrupted',
};

function isNotable(assertion: JsonAssertion): boolean {
  return (
    assertion.outcome === 'fail' || assertion.outcome === 'flaky' || assertion.outcome === 'inconclusive'
  );
}

function failureTable(rows: readonly JsonAssertion[], options: JobSummaryOptions): string[] {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const table = [
    '| outcome | assertion | suite | expected | observed | reason |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.slice(0, maxRows).map((row) => failureRow(row, options)),
  ];
  if (rows.length > maxRows)
    table.push('', `…and ${rows.length - maxRows} more; the JSON and JUnit reports list every one.`);
  return table;
}

function failureRow(assertion: JsonAssertion, options: JobSummaryOptions): string {
  const cells = [
    `**${assertion.outcome}**`,
    escapeText(assertion.name),
    locationCell(assertion, options.blobUrl),
    assertion.expect,
    observedCell(assertion, options.maxPairs ?? DEFAULT_MAX_PAIRS),
    escapeText(reasonText(assertion)),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** `suites/shop.yaml:12`, linked to the line when the path is relative to the repository. */
function locationCell(assertion: JsonAssertion, blobUrl: string | undefined): string {
  const { file, line } = assertion.location;
  const text = `\`${codeText(`${file}:${line}`)}\``;
  const inRepository = !file.startsWith('/') && !file.split('/').includes('..');
  if (blobUrl === undefined || !inRepository) return text;
  const path = file.replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
  return `[${text}](${blobUrl}${path}#L${line})`;
}

/** One line per pair that did not pass: where it went and what each attempt saw. */
function observedCell(assertion: JsonAssertion, maxPairs: number): string {
  const pairs = assertion.pairs.filter((pair) => pair.outcome !== 'pass');
  if (pairs.length === 0) return 'no pair probed';
  const shown = pairs
    .slice(0, maxPairs)
    .map((pair) => escapeText(`${pairTitle(pair)}: ${observationsText(pair)}`));
  const hidden = pairs.length - maxPairs;
  if (hidden > 0) shown.push(`…and ${hidden} more ${hidden === 1 ? 'pair' : 'pairs'}`);
  return shown.join('<br>');
}

/** The assertion's own reason, else the distinct reasons of its pairs. */
function reasonText(assertion: JsonAssertion): string {
  if (assertion.reason !== undefined) return assertion.reason;
  const reasons = assertion.pairs.flatMap((pair) =>
    pair.outcome !== 'pass' && pair.reason !== undefined ? [pair.reason] : [],
  );
  return [...new Set(reasons)].join('; ');
}

/**
 * Text in a table cell shows as written: HTML and Markdown punctuation escaped, a `|`
 * kept from ending the cell, line breaks as `<br>` (a cell is one line).
 */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (char) => `\\${char}`)
    .replace(/\r?\n/g, '<br>');
}

/** Inside a code span only `|` (the table's) and backticks need care; entities would show raw. */
function codeText(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
