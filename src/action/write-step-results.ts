/**
 * The end of the action's step: outputs to $GITHUB_OUTPUT and the job summary to
 * $GITHUB_STEP_SUMMARY, from the run's exit code and its JSON report.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#environment-files
 */
import { appendFile } from 'node:fs/promises';
import { renderJobSummary, renderNoReportSummary } from '../report/index.js';
import type { JsonReport } from '../report/index.js';
import { actionOutputs, formatOutputFile } from './action-outputs.js';
import { readReport } from './read-report.js';

export interface StepResultsInput {
  /** The file the run was asked to write with `--json`. */
  readonly reportFile: string;
  /** The CLI's exit code. */
  readonly exitCode: number;
  /** The step's environment: GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, and what links need. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface StepResults {
  readonly report: JsonReport | undefined;
  /** Why the report could not be used, when it existed but was not a report. */
  readonly problem?: string;
}

export async function writeStepResults(input: StepResultsInput): Promise<StepResults> {
  const read = await readReport(input.reportFile);
  const report = read.kind === 'report' ? read.report : undefined;
  const { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile } = input.env;
  if (outputFile) await appendFile(outputFile, formatOutputFile(actionOutputs(input.exitCode, report)));
  if (summaryFile) {
    const blobUrl = blobUrlFrom(input.env);
    const summary =
      report === undefined
        ? renderNoReportSummary(input.exitCode)
        : renderJobSummary(report, blobUrl === undefined ? {} : { blobUrl });
    await appendFile(summaryFile, summary);
  }
  return read.kind === 'invalid' ? { report, problem: read.problem } : { report };
}

/** `https://github.com/OWNER/REPO/blob/SHA/` from the variables every job has. */
function blobUrlFrom(env: StepResultsInput['env']): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  if (!server || !repository || !sha) return undefined;
  return `${server}/${repository}/blob/${sha}/`;
}
