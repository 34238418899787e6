/** A suite made in code around assertions (explain's argument, generated cases). */
import { BUILT_IN_DEFAULTS } from './resolve-suite.js';
import type { Assertion, SourceLocation, Suite } from './types.js';

export function suiteOf(
  assertions: readonly Assertion[],
  where: { readonly file: string; readonly name: string; readonly location?: SourceLocation },
): Suite {
  return {
    file: where.file,
    name: where.name,
    location: where.location ?? { file: where.file, line: 0, col: 0 },
    defaults: BUILT_IN_DEFAULTS,
    setup: [],
    recipes: [],
    generate: false,
    assertions,
  };
}
