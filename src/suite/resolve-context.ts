/** What the resolvers need from the document they read: a place to report and a way to locate. */
import type { ValuePath } from './locate-node.js';
import type { SourceLocation, SuiteErrorCode } from './types.js';

/** Where a problem points: a value, the key that holds it, or a character inside a string. */
export type Where =
  | { readonly path: ValuePath; readonly at: 'value' }
  | { readonly path: ValuePath; readonly at: 'key' }
  | { readonly path: ValuePath; readonly at: 'offset'; readonly offset: number };

export interface Problem {
  readonly code: SuiteErrorCode;
  readonly message: string;
  readonly where: Where;
}

export interface ResolveContext {
  /** The suite file as the user named it; setup paths are resolved against its folder. */
  readonly file: string;
  report(code: SuiteErrorCode, message: string, where: Where): void;
  /** Whether the schema already reported this value or one that contains it: no second message. */
  isFlagged(path: ValuePath): boolean;
  locate(path: ValuePath): SourceLocation;
}

export function atValue(path: ValuePath): Where {
  return { path, at: 'value' };
}

export function atKey(path: ValuePath): Where {
  return { path, at: 'key' };
}

export function atOffset(path: ValuePath, offset: number): Where {
  return { path, at: 'offset', offset };
}
