/** The contract's exit codes, in one place. */
export const ExitCode = {
  /** Every assertion held. */
  ok: 0,
  /** Some assertion failed, was flaky or inconclusive. */
  failed: 1,
  /** Bad input: suite, flag or manifest. */
  badInput: 2,
  /** The cluster or the agent could not be used. */
  clusterUnusable: 3,
  /** Stopped by SIGINT or SIGTERM (128 + 2, as shells report it). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
