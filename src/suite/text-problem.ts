/** What the text parsers (grammar, endpoint, port, duration) return: a value or every problem found. */
import type { SuiteErrorCode } from './types.js';

/** A problem inside one string; `offset` is the 0-based index of the offending character. */
export interface TextProblem {
  readonly code: SuiteErrorCode;
  readonly message: string;
  readonly offset: number;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly TextProblem[] };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function failed<T>(...problems: TextProblem[]): Parsed<T> {
  return { ok: false, problems };
}

export function problem(code: SuiteErrorCode, message: string, offset: number): TextProblem {
  return { code, message, offset };
}

/** The same problems, as found in a larger text that holds this one at `offset`. */
export function shifted(problems: readonly TextProblem[], offset: number): TextProblem[] {
  return problems.map((p) => ({ ...p, offset: p.offset + offset }));
}
