/**
 * JUnit XML as CI servers read it: one <testsuite> per suite file, one <testcase> per
 * assertion (classname = suite, name = assertion) with `file` and `line` attributes, so
 * GitHub and GitLab place a failure on the suite's line. fail and flaky are <failure>
 * (type tells them apart); inconclusive is an <error>: the check could not be made.
 */
import { createRequire } from 'node:module';
import type { Builder, TestCase, TestSuite } from 'junit-report-builder';
import type { AssertionResult, RunResult, SuiteResult } from '../run/index.js';
import { assertNever } from '../shared/index.js';
import { explanationLines, locationText, notablePairs, outcomeMessage, pairLine } from './describe-result.js';
import type { KnownPolicies } from './render-verdict.js';
import type { Reporter } from './reporter.js';

let sharedBuilder: Builder | undefined;

/**
 * Loaded on first use (it and its lodash take about as long to load as the rest of
 * `predict`, which mostly prints TAP). The package ships `module.exports = builder`,
 * though its types declare an ES default export: either shape is accepted.
 */
function junitBuilder(): Builder {
  if (sharedBuilder !== undefined) return sharedBuilder;
  const loaded: unknown = createRequire(import.meta.url)('junit-report-builder');
  const candidate = isBuilder(loaded) ? loaded : (loaded as { default?: unknown } | null)?.default;
  if (!isBuilder(candidate)) throw new Error('junit-report-builder exports no builder');
  sharedBuilder = candidate;
  return sharedBuilder;
}

function isBuilder(value: unknown): value is Builder {
  return typeof value === 'object' && value !== null && 'newBuilder' in value;
}

export function createJunitReporter(): Reporter {
  return { name: 'junit', render: renderJunit };
}

export function renderJunit(run: RunResult): string {
  // A builder of its own per render: the package's default export is one shared instance.
  const builder = junitBuilder().newBuilder().name(`netpol-assert ${run.mode} against ${run.target}`);
  for (const suite of run.suites) addSuite(builder.testSuite(), suite, run);
  return `${builder.build()}\n`;
}

function addSuite(testSuite: TestSuite, suite: SuiteResult, known: KnownPolicies): void {
  testSuite.name(suite.suite.name).time(seconds(suite.durationMs)).property('file', suite.suite.file);
  for (const result of suite.assertions) addCase(testSuite.testCase(), suite.suite.name, result, known);
}

function addCase(testCase: TestCase, suiteName: string, result: AssertionResult, known: KnownPolicies): void {
  const { file, line } = result.assertion.location;
  testCase.className(suiteName).name(result.assertion.name).file(file).time(seconds(result.durationMs));
  setAttribute(testCase, 'line', line);
  switch (result.outcome) {
    case 'pass':
      return;
    case 'skip':
      testCase.skipped().standardOutput(outcomeMessage(result));
      return;
    case 'fail':
    case 'flaky':
      testCase.failure(outcomeMessage(result), result.outcome).stacktrace(details(result, known));
      return;
    case 'inconclusive':
      testCase.error(outcomeMessage(result), result.outcome, details(result, known));
      return;
    default:
      assertNever(result.outcome);
  }
}

/** The element's text: where the assertion is, then each pair that did not pass. */
function details(result: AssertionResult, known: KnownPolicies): string {
  const lines = [`${locationText(result)}: ${outcomeMessage(result)}`];
  for (const pair of notablePairs(result)) {
    lines.push(`  ${pairLine(pair)}`);
    lines.push(...explanationLines(pair, known).map((line) => `    ${line}`));
  }
  return lines.join('\n');
}

/**
 * junit-report-builder 5 writes `file` but has no setter for `line`; it keeps a test
 * case's attributes in `_attributes`. If a later version does not, the line goes in a
 * property rather than nowhere.
 */
function setAttribute(testCase: TestCase, name: string, value: number): void {
  const attributes: unknown = Reflect.get(testCase, '_attributes');
  if (typeof attributes === 'object' && attributes !== null) Reflect.set(attributes, name, value);
  else testCase.property(name, String(value));
}

function seconds(milliseconds: number): number {
  return milliseconds / 1000;
}
