/**
 * The exit code of a command that failed for a reason the contract names: interrupted,
 * or a cluster or agent that could not be used (reported here). Anything else is a bug
 * and is thrown on. It loads the Kubernetes client (for the error's class): only
 * handlers that talk to a cluster import it.
 */
import { ClusterUnavailableError } from '../cluster/index.js';
import { RunInterrupted } from '../probe/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';

export function exitForFailure(error: unknown, context: CommandContext): number {
  if (error instanceof RunInterrupted) return ExitCode.interrupted;
  if (error instanceof ClusterUnavailableError) {
    context.stderr.write(`netpol-assert: ${error.message}\n`);
    return ExitCode.clusterUnusable;
  }
  throw error;
}
