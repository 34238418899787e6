/** Reports of a run: one reporter per format, and what the verdicts add up to. */
import { assertNever } from '../shared/index.js';
import { createGithubReporter } from './github.js';
import { createJsonReporter } from './json.js';
import { createJunitReporter } from './junit.js';
import { createPrettyReporter } from './pretty.js';
import type { Reporter, ReporterName, ReporterOptions } from './reporter.js';
import { createTapReporter } from './tap.js';

// The reporter interface and its names; a report written whole or as the run goes.
export { REPORTER_NAMES, renderStreamed } from './reporter.js';
export type { Reporter, ReporterName, ReporterOptions, ReportStream } from './reporter.js';

// Counts and the exit code they mean.
export { exitCodeFor, formatCounts, summarize, summarizeAssertions } from './summary.js';
export type { Summary } from './summary.js';

// One reporter per format.
export { createPrettyReporter, formatDuration } from './pretty.js';
export { createTapReporter, renderTap, tapStream } from './tap.js';
export { createJunitReporter, renderJunit } from './junit.js';
export { createGithubReporter, escapeData, escapeProperty, renderGithub, workflowCommand } from './github.js';
export { createJsonReporter, renderJson, REPORT_SCHEMA_ID, REPORT_VERSION, toJsonReport } from './json.js';
export type { JsonAssertion, JsonPair, JsonReport, JsonSuite } from './json.js';
export { toJsonVerdict } from './json-verdict.js';
export type { JsonVerdict } from './json-verdict.js';

// The GitHub Action's job summary, from a JSON report.
export { escapeText, renderJobSummary, renderNoReportSummary } from './job-summary.js';
export type { JobSummaryOptions } from './job-summary.js';

// Why the model allows or denies a pair, in words.
export { renderVerdict } from './render-verdict.js';
export type { KnownPolicies } from './render-verdict.js';

// Shared wording of pairs and outcomes.
export { endpointText, explanationLines, outcomeMessage, pairLine, pairTitle } from './describe-result.js';

export function createReporter(name: ReporterName, options: ReporterOptions = {}): Reporter {
  switch (name) {
    case 'pretty':
      return createPrettyReporter(options);
    case 'tap':
      return createTapReporter();
    case 'junit':
      return createJunitReporter();
    case 'github':
      return createGithubReporter();
    case 'json':
      return createJsonReporter();
    default:
      return assertNever(name);
  }
}
