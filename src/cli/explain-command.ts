/**
 * `netpol-assert explain "from A to B:80" --state DIR`: which policies decide each pair
 * of the assertion, and why. `expect allow|deny` is optional; when given, each pair is
 * also marked as matching it or not. The work is in explain.ts, loaded when the command runs.
 */
import type { CommandFactory } from './command.js';
import { withStateOptions } from './options.js';
import type { StateOptions } from './options.js';

export type ExplainArgs = StateOptions & { assertion: string };

export const explainCommand: CommandFactory<ExplainArgs> = (context, setExit) => ({
  command: 'explain <assertion>',
  describe: 'show which policies decide an assertion, and why (offline, from manifests)',
  builder: (args) =>
    withStateOptions(args).positional('assertion', {
      type: 'string',
      demandOption: true,
      describe: '"from SRC to DST[:PORT[/PROTO]] [expect allow|deny]"',
    }),
  handler: async (args) => {
    const { runExplain } = await import('./explain.js');
    setExit(await runExplain(args, context));
  },
});
