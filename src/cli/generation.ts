/**
 * `generate: true` and `--generate` for predict and run: the suites plus the cases
 * derived from the policies, and every assertion the policies contradict reported on
 * stderr before anything runs (a warning, or with `--strict` an error and exit 2).
 */
import type { ClusterState } from '../policy/index.js';
import { mergeGenerated } from '../generate/index.js';
import type { Contradiction, LiveGeneration } from '../generate/index.js';
import { describeEndpoint } from '../plan/index.js';
import { renderVerdict } from '../report/index.js';
import type { Suite } from '../suite/index.js';
import type { CommandContext } from './command.js';
import type { GenerationOptions } from './options.js';

/** Whether the suites need the cluster's policies before they run. */
export function needsModel(suites: readonly Suite[], options: GenerationOptions): boolean {
  return options.generate || options.strict || suites.some((suite) => suite.generate);
}

/**
 * The suites with their generated cases; undefined when `--strict` found a contradiction
 * (already reported). `addressSources` is off for live runs, which cannot send from an address;
 * `live` keeps only generated cases traffic can show.
 */
export function applyGeneration(
  suites: readonly Suite[],
  state: ClusterState,
  options: GenerationOptions,
  context: CommandContext,
  addressSources: boolean,
  live?: LiveGeneration,
): Suite[] | undefined {
  if (!needsModel(suites, options)) return [...suites];
  const merged = mergeGenerated(suites, state, {
    all: options.generate,
    checkAll: options.strict,
    addressSources,
    ...(live ? { live } : {}),
  });
  const severity = options.strict ? 'error' : 'warning';
  for (const contradiction of merged.contradictions)
    context.stderr.write(`${formatContradiction(contradiction, severity, merged.state)}\n`);
  const count = merged.contradictions.length;
  if (count === 0) return merged.suites;
  const what = `${count} assertion${count === 1 ? ' contradicts' : 's contradict'} the policies`;
  context.stderr.write(
    options.strict
      ? `netpol-assert: ${what}; nothing was run (--strict)\n`
      : `netpol-assert: ${what}; with --strict that is an error\n`,
  );
  return options.strict ? undefined : merged.suites;
}

/** `file:line:col: warning CONTRADICTS_MODEL: ...`, then the model's reasons, indented. */
export function formatContradiction(
  contradiction: Contradiction,
  severity: 'warning' | 'error',
  state: ClusterState,
): string {
  const { assertion, pair, verdict, disagreeing, pairs } = contradiction;
  const { file, line, col } = assertion.location;
  const modelSays = verdict.allowed ? 'allow' : 'deny';
  const which = pairs === 1 ? 'its only pair' : `${disagreeing} of its ${pairs} pairs, e.g.`;
  const pairText = `${describeEndpoint(pair.source)} -> ${describeEndpoint(pair.destination)} port ${pair.port}/${pair.protocol}`;
  const reasons = renderVerdict(verdict, state)
    .split('\n')
    .map((text) => `  ${text}`);
  return [
    `${file}:${line}:${col}: ${severity} CONTRADICTS_MODEL: "${assertion.name}" expects ${assertion.expect}, but the policies ${modelSays} ${which} ${pairText}`,
    ...reasons,
  ].join('\n');
}
