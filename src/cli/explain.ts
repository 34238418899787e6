/**
 * What `explain` does: the assertion's pairs, each with the policies that decide it. It
 * is `predict` for one assertion, every pair with the model's verdict, rendered here.
 */
import { planProbes } from '../plan/index.js';
import { renderVerdict } from '../report/index.js';
import { predict } from '../run/index.js';
import type { PairResult, RunResult } from '../run/index.js';
import { formatProblem, problemAt } from '../shared/index.js';
import { BUILT_IN_DEFAULTS, parseAssertionLine, suiteOf } from '../suite/index.js';
import type { Assertion, Expectation } from '../suite/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import type { ExplainArgs } from './explain-command.js';
import { loadState } from './inputs.js';

/** The "file" an assertion given as an argument is in, for problems' places. */
const COMMAND_LINE = '<command line>';

export async function runExplain(args: ExplainArgs, context: CommandContext): Promise<number> {
  const assertion = parseCommandLineAssertion(args.assertion, context);
  if (!assertion) return ExitCode.badInput;
  const loaded = await loadState(args.state, context);
  if (!loaded) return ExitCode.badInput;
  const plan = planProbes(
    [suiteOf([assertion], { file: COMMAND_LINE, name: 'explain', location: assertion.location })],
    loaded.state,
  );
  const planned = plan.suites[0]?.assertions[0];
  if (!planned) return ExitCode.badInput;
  const result = predict(plan, loaded.state, {
    target: `--state ${args.state.join(' ')}`,
    verdicts: 'every',
  });
  const pairs = result.suites[0]?.assertions[0]?.pairs ?? [];
  // The planner places a problem at its assertion: here, the argument itself.
  for (const { code, message, location } of planned.problems)
    context.stdout.write(`${formatProblem(problemAt(code, message, location, args.assertion))}\n`);
  const expectation = /\sexpect\s/.test(` ${args.assertion} `) ? assertion.expect : undefined;
  for (const pair of pairs) context.stdout.write(`${pairText(pair, expectation, result)}\n`);
  const met =
    planned.problems.length === 0 &&
    pairs.length > 0 &&
    (expectation === undefined || pairs.every((pair) => pair.outcome === 'pass'));
  return met ? ExitCode.ok : ExitCode.failed;
}

/** `a -> b port 80/TCP: ALLOWED (as expected)`, then the model's reasons, indented. */
function pairText(pair: PairResult, expectation: Expectation | undefined, result: RunResult): string {
  const allowed = pair.observations.includes('allowed');
  const said = allowed ? 'ALLOWED' : 'DENIED';
  const versus =
    expectation === undefined
      ? ''
      : pair.outcome === 'pass'
        ? ' (as expected)'
        : ` (expected ${expectation})`;
  const header = `${pair.source.display} -> ${pair.destination.display} port ${pair.port}/${pair.protocol}: ${said}${versus}`;
  return pair.verdict === undefined ? header : `${header}\n${indent(renderVerdict(pair.verdict, result))}`;
}

/** The suite grammar, with `expect` optional: a question, not yet an assertion. */
function parseCommandLineAssertion(text: string, context: CommandContext): Assertion | undefined {
  const parsed = parseAssertionLine(/\sexpect\s/.test(` ${text} `) ? text : `${text} expect allow`);
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      const at = { file: COMMAND_LINE, line: 1, col: p.offset + 1 };
      context.stderr.write(`${formatProblem(problemAt(p.code, p.message, at, text))}\n`);
    }
    return undefined;
  }
  const line = parsed.value;
  return {
    name: text,
    from: line.from,
    to: line.to,
    ...(line.port ? { port: line.port } : {}),
    protocol: line.protocol ?? BUILT_IN_DEFAULTS.protocol,
    expect: line.expect,
    timeoutMs: BUILT_IN_DEFAULTS.timeoutMs,
    attempts: 1,
    location: { file: COMMAND_LINE, line: 1, col: 1 },
    origin: { kind: 'suite' },
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
