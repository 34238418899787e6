/** What `explain` does: the assertion's pairs, each with the policies that decide it. */
import { planProbes, trafficOf, stateWithSynthetics, describeEndpoint } from '../probe/index.js';
import { PolicyEngine } from '../policy/index.js';
import { renderVerdict } from '../report/index.js';
import { BUILT_IN_DEFAULTS, parseAssertionLine, suiteOf } from '../suite/index.js';
import type { Assertion } from '../suite/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';
import type { ExplainArgs } from './explain-command.js';
import { loadState } from './inputs.js';

export async function runExplain(args: ExplainArgs, context: CommandContext): Promise<number> {
  const assertion = parseCommandLineAssertion(args.assertion, context);
  if (!assertion) return ExitCode.badInput;
  const loaded = await loadState(args.state, context);
  if (!loaded) return ExitCode.badInput;
  const plan = planProbes(
    [suiteOf([assertion], { file: '<command line>', name: 'explain', location: assertion.location })],
    loaded.state,
  );
  const planned = plan.suites[0]?.assertions[0];
  if (!planned) return ExitCode.badInput;
  const state = stateWithSynthetics(loaded.state, plan);
  const engine = new PolicyEngine(state);
  for (const problem of planned.problems) context.stdout.write(`cannot probe: ${problem}\n`);
  const expectation = /\sexpect\s/.test(` ${args.assertion} `) ? assertion.expect : undefined;
  let met = planned.problems.length === 0 && planned.pairs.length > 0;
  for (const pair of planned.pairs) {
    const verdict = engine.verdict(trafficOf(pair));
    const matches = expectation === undefined || verdict.allowed === (expectation === 'allow');
    met &&= matches;
    const said = verdict.allowed ? 'ALLOWED' : 'DENIED';
    const versus = expectation === undefined ? '' : matches ? ' (as expected)' : ` (expected ${expectation})`;
    const header = `${describeEndpoint(pair.source)} -> ${describeEndpoint(pair.destination)} port ${pair.port}/${pair.protocol}: ${said}${versus}`;
    context.stdout.write(`${header}\n${indent(renderVerdict(verdict, state))}\n`);
  }
  return met ? ExitCode.ok : ExitCode.failed;
}

/** The suite grammar, with `expect` optional: a question, not yet an assertion. */
function parseCommandLineAssertion(text: string, context: CommandContext): Assertion | undefined {
  const parsed = parseAssertionLine(/\sexpect\s/.test(` ${text} `) ? text : `${text} expect allow`);
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      context.stderr.write(
        `<command line>:1:${p.offset + 1}: error ${p.code}: ${p.message}\n  ${text}\n  ${' '.repeat(p.offset)}^\n`,
      );
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
    location: { file: '<command line>', line: 1, col: 1 },
    origin: { kind: 'suite' },
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
