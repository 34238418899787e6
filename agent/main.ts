/** The agent's entry: `netpol-assert-agent COMMAND ...` (see agent-command.ts). */
import { runAgent } from './agent-command.js';

process.exitCode = await runAgent(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
