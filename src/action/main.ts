/**
 * `node scripts/action-report.mjs --report FILE --exit-code N`: the end of the GitHub
 * Action's step (action.yml). Exits 0 once the outputs are written, so the step's exit
 * code stays the CLI's; a report it cannot read becomes a `::warning`.
 */
import { parseArgs } from 'node:util';
import { workflowCommand } from '../report/index.js';
import { writeStepResults } from './write-step-results.js';

const { values } = parseArgs({
  options: { report: { type: 'string' }, 'exit-code': { type: 'string' } },
  strict: true,
});
const exitCode = Number(values['exit-code']);
if (values.report === undefined || values['exit-code'] === undefined || !Number.isInteger(exitCode)) {
  process.stderr.write('usage: action-report --report FILE --exit-code N\n');
  process.exitCode = 2;
} else {
  const results = await writeStepResults({ reportFile: values.report, exitCode, env: process.env });
  if (results.problem !== undefined)
    process.stdout.write(`${workflowCommand('warning', { title: 'netpol-assert' }, results.problem)}\n`);
}
