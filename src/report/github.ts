/**
 * GitHub Actions workflow commands: an `::error` per failed assertion and a `::warning`
 * per flaky or inconclusive one, placed on the assertion's line so it shows in the pull
 * request, then a `::notice` with the counts.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
import type { AssertionResult, Outcome, RunResult } from '../run/index.js';
import { assertNever } from '../shared/index.js';
import { explanationLines, notablePairs, outcomeMessage, pairLine } from './describe-result.js';
import type { KnownPolicies } from './render-verdict.js';
import type { Reporter } from './reporter.js';
import { formatCounts, summarize } from './summary.js';

export function createGithubReporter(): Reporter {
  return { name: 'github', render: renderGithub };
}

export function renderGithub(run: RunResult): string {
  const lines: string[] = [];
  for (const suite of run.suites)
    for (const result of suite.assertions) {
      const command = commandFor(result.outcome);
      if (command !== undefined) lines.push(annotation(command, result, run));
    }
  const summary = summarize(run);
  const counts = `${formatCounts(summary)} of ${summary.total} assertions (${run.mode} against ${run.target})`;
  lines.push(workflowCommand('notice', { title: 'netpol-assert' }, counts));
  return `${lines.join('\n')}\n`;
}

type AnnotationCommand = 'error' | 'warning';

function commandFor(outcome: Outcome): AnnotationCommand | undefined {
  switch (outcome) {
    case 'fail':
      return 'error';
    case 'flaky':
    case 'inconclusive':
      return 'warning';
    case 'pass':
    case 'skip':
      return undefined;
    default:
      return assertNever(outcome);
  }
}

function annotation(command: AnnotationCommand, result: AssertionResult, known: KnownPolicies): string {
  const { file, line, col } = result.assertion.location;
  const title = `${result.outcome}: ${result.assertion.name}`;
  const pairs = notablePairs(result).flatMap((pair) => [
    pairLine(pair),
    ...explanationLines(pair, known).map((text) => `  ${text}`),
  ]);
  const message = [outcomeMessage(result), ...pairs].join('\n');
  return workflowCommand(command, { file, line: String(line), col: String(col), title }, message);
}

/** `::name key=value,key=value::message`, each part escaped as the runner unescapes it. */
export function workflowCommand(
  name: string,
  properties: Readonly<Record<string, string>>,
  message: string,
): string {
  const listed = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(value)}`);
  return `::${name}${listed.length === 0 ? '' : ` ${listed.join(',')}`}::${escapeData(message)}`;
}

/** As @actions/core escapes a message: % first, so the escapes it adds stay as they are. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value also may not hold the `:` and `,` that delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
