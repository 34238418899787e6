/**
 * How a kubelet reports the end of an exec on the error channel (3): a metav1.Status,
 * `Success`, or `Failure` with reason `NonZeroExitCode` and the code as an `ExitCode`
 * cause (what `kubectl exec` turns into its own exit code), or `InternalError` when the
 * command could not be run at all.
 */
import { assertNever } from '../../shared/index.js';

export type ExecOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'signalled'; readonly signal: string }
  | { readonly kind: 'failed-to-start'; readonly message: string };

export interface ExecStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: 'NonZeroExitCode' | 'InternalError';
  readonly code?: number;
  readonly details?: {
    readonly causes: readonly { readonly reason: 'ExitCode'; readonly message: string }[];
  };
}

/** A process killed by signal N exits 128+N in a shell; runtimes report it the same way. */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
  SIGPIPE: 13,
  SIGABRT: 6,
  SIGSEGV: 11,
};

export function execStatus(command: readonly string[], outcome: ExecOutcome): ExecStatus {
  switch (outcome.kind) {
    case 'exited':
      return outcome.exitCode === 0
        ? { metadata: {}, status: 'Success' }
        : nonZero(command, outcome.exitCode);
    case 'signalled':
      return nonZero(command, 128 + (SIGNAL_NUMBERS[outcome.signal] ?? 0));
    case 'failed-to-start':
      return {
        metadata: {},
        status: 'Failure',
        message: outcome.message,
        reason: 'InternalError',
        code: 500,
      };
    default:
      return assertNever(outcome);
  }
}

function nonZero(command: readonly string[], exitCode: number): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}
