/**
 * The `netpol-assert` command line: registers one command per file and sets the
 * process exit code once, from what the chosen command's handler returned.
 */
import yargs from 'yargs';
import { packageVersion } from '../agent-payload/payload-layout.js';
import { ExitCode } from './exit-codes.js';
import { predictCommand } from './predict-command.js';
import { explainCommand } from './explain-command.js';
import { runCommand } from './run-command.js';
import { cleanCommand } from './clean-command.js';
import { labCommand } from './lab-command.js';
import { recipesCommand } from './recipes-command.js';
import { generateCommand } from './generate-command.js';
import type { CommandContext } from './command.js';

export async function main(argv: readonly string[], context: CommandContext): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const parser = yargs([...argv])
    .scriptName('netpol-assert')
    .usage(
      '$0 <command> [options]\n\nTest Kubernetes NetworkPolicies with real traffic, or offline against the model.',
    )
    .command(runCommand(context, setExit))
    .command(predictCommand(context, setExit))
    .command(explainCommand(context, setExit))
    .command(generateCommand(context, setExit))
    .command(cleanCommand(context, setExit))
    .command(labCommand(context, setExit))
    .command(recipesCommand(context, setExit))
    .demandCommand(1, 'name a command, or suite paths to run')
    .strict()
    .recommendCommands()
    .help()
    // Named, not found by yargs: bundled (src/cli-bundle), yargs would look above the working folder.
    .version(packageVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      // Thrown, not returned: with exitProcess(false) yargs would otherwise go on to the handler.
      throw new UsageError(message ?? error?.message ?? 'bad arguments');
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    context.stderr.write(`netpol-assert: ${error.message}\nRun "netpol-assert --help" for usage.\n`);
    return ExitCode.badInput;
  }
  return exitCode;
}

class UsageError extends Error {}
