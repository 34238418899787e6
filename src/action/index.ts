/**
 * The GitHub Action's own step (action.yml at the repository root): outputs and the job
 * summary from a run's exit code and JSON report. `main.ts` is its entry point.
 */
export { ACTION_OUTPUT_NAMES, actionOutputs, formatOutputFile } from './action-outputs.js';
export type { ActionOutputName } from './action-outputs.js';
export { readReport } from './read-report.js';
export type { ReadReport } from './read-report.js';
export { writeStepResults } from './write-step-results.js';
export type { StepResults, StepResultsInput } from './write-step-results.js';
