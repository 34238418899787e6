/** The process entry point: real streams in, one exit code out. */
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

process.exitCode = await main(hideBin(process.argv), {
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  cwd: process.cwd(),
});
