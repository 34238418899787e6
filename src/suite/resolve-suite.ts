/** A schema-checked suite document into a `Suite`: defaults, setup paths, assertions. */
import { dirname, isAbsolute, join } from 'node:path';
import type { Protocol } from '../policy/index.js';
import { parseDuration } from './parse-duration.js';
import { protocolOf } from './parse-port.js';
import { atOffset, atValue, type ResolveContext } from './resolve-context.js';
import { resolveAssertion } from './resolve-assertion.js';
import { isPlainMap } from './resolve-selector.js';
import type { Assertion, SourceLocation, Suite, SuiteDefaults } from './types.js';

/** Used when a suite gives no `defaults`, or leaves one out. */
export const BUILT_IN_DEFAULTS: SuiteDefaults = { timeoutMs: 1000, attempts: 1, protocol: 'TCP' };

/** A setup manifest path as resolved, and where the suite names it (to report a missing file). */
export interface SetupReference {
  readonly path: string;
  readonly location: SourceLocation;
}

export interface ResolvedSuite {
  /** Undefined when some problem in the document was reported. */
  readonly suite?: Suite;
  readonly setup: readonly SetupReference[];
}

export function resolveSuite(root: unknown, context: ResolveContext): ResolvedSuite {
  if (!isPlainMap(root)) return { setup: [] };
  const field = (key: string): unknown => (context.isFlagged([key]) ? undefined : root[key]);
  const metadata = field('metadata');
  const name =
    isPlainMap(metadata) && !context.isFlagged(['metadata', 'name']) ? metadata['name'] : undefined;
  const defaults = resolveDefaults(field('defaults'), context);
  const setup = stringsOf(field('setup'), ['setup'], context).map(({ text, index }): SetupReference => ({
    path: isAbsolute(text) ? text : join(dirname(context.file), text),
    location: context.locate(['setup', index]),
  }));
  const recipes = stringsOf(field('recipes'), ['recipes'], context).map(({ text }) => text);
  const generate = field('generate') === true;
  const items = field('assertions');
  const assertions = Array.isArray(items)
    ? items.map((item, i) =>
        resolveAssertion(item, ['assertions', i], defaults ?? BUILT_IN_DEFAULTS, context),
      )
    : [];
  checkSomethingToCheck(root, context);
  const complete = assertions.filter((a): a is Assertion => a !== undefined);
  if (typeof name !== 'string' || defaults === undefined || complete.length !== assertions.length)
    return { setup };
  const suite: Suite = {
    file: context.file,
    name,
    location: context.locate([]),
    defaults,
    setup: setup.map((s) => s.path),
    recipes,
    generate,
    assertions: complete,
  };
  return { suite, setup };
}

function resolveDefaults(value: unknown, context: ResolveContext): SuiteDefaults | undefined {
  if (!isPlainMap(value)) return BUILT_IN_DEFAULTS;
  const flagged = (key: string): boolean => context.isFlagged(['defaults', key]);
  let timeoutMs: number | undefined = BUILT_IN_DEFAULTS.timeoutMs;
  if (typeof value['timeout'] === 'string' && !flagged('timeout')) {
    const result = parseDuration(value['timeout']);
    if (result.ok) timeoutMs = result.value;
    else {
      timeoutMs = undefined;
      for (const p of result.problems)
        context.report(p.code, p.message, atOffset(['defaults', 'timeout'], p.offset));
    }
  }
  const attempts = typeof value['attempts'] === 'number' ? value['attempts'] : BUILT_IN_DEFAULTS.attempts;
  const protocol: Protocol =
    (typeof value['protocol'] === 'string' ? protocolOf(value['protocol']) : undefined) ??
    BUILT_IN_DEFAULTS.protocol;
  if (timeoutMs === undefined || flagged('attempts') || flagged('protocol')) return undefined;
  return { timeoutMs, attempts, protocol };
}

function stringsOf(
  value: unknown,
  path: readonly string[],
  context: ResolveContext,
): { text: string; index: number }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) =>
    typeof item === 'string' && !context.isFlagged([...path, index]) ? [{ text: item, index }] : [],
  );
}

/**
 * A suite must check something: an assertion, a recipe, or generated cases. An empty
 * `assertions` list is fine next to `recipes` or `generate: true` (a pack with no
 * extra cases), but a suite with none of the three would pass while testing nothing.
 * When a top-level key was already reported (`assertion:` misspelt, `generate: "yes"`),
 * that report says it better.
 */
function checkSomethingToCheck(root: Readonly<Record<string, unknown>>, context: ResolveContext): void {
  if (Object.keys(root).some((key) => context.isFlagged([key]))) return;
  const nonEmpty = (list: unknown): boolean => Array.isArray(list) && list.length > 0;
  if (nonEmpty(root['assertions']) || nonEmpty(root['recipes']) || root['generate'] === true) return;
  context.report(
    'MISSING_KEY',
    'the suite has nothing to check; expected at least one entry in "assertions", a recipe in "recipes", or "generate: true"',
    atValue([]),
  );
}
