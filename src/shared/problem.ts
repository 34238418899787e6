/**
 * A problem with what the user wrote, in one shape whatever found it (the suite loader,
 * the manifest reader, the policy model, the recipe packs, the planner, the lab): a
 * closed code of its domain, a message, a place, and the offending line with a caret.
 * `formatProblem` is the one way every command prints one.
 */

/**
 * Where something stands in a file; line and col are 1-based. Line 0 (and col 0) means
 * the file as a whole, e.g. a path that does not exist.
 */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Problem<Code extends string = string> {
  /** One of its domain's closed set, so tests and tools can match on it. */
  readonly code: Code;
  readonly message: string;
  readonly location: SourceLocation;
  /** The offending line with a caret under the column, for terminals. */
  readonly excerpt?: string;
}

/** A problem at `location`; with the file's text, the excerpt shows the line and a caret. */
export function problemAt<Code extends string>(
  code: Code,
  message: string,
  location: SourceLocation,
  source?: string,
): Problem<Code> {
  const excerpt = source === undefined ? undefined : excerptAt(source, location.line, location.col);
  return { code, message, location, ...(excerpt !== undefined ? { excerpt } : {}) };
}

/** The place for a problem of a file as a whole (it is missing, it lacks a header line). */
export function wholeFile(file: string): SourceLocation {
  return { file, line: 0, col: 0 };
}

/**
 * The line under a gutter with its number, and a caret under `col`:
 *    12 |   - from a/b to c/d:70000 expect allow
 *       |                     ^
 * Tabs before the caret are kept so it lines up however the terminal renders them.
 */
export function excerptAt(source: string, line: number, col: number): string | undefined {
  if (line < 1) return undefined;
  // Lines end at \n, as yaml's LineCounter counts them; a CRLF file's \r is not shown.
  const text = source.split('\n')[line - 1]?.replace(/\r$/, '');
  if (text === undefined) return undefined;
  const gutter = String(line);
  const lead = text.slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, ' ');
  const caretPad = lead + ' '.repeat(Math.max(0, col - 1 - lead.length));
  return `${`  ${gutter} | ${text}`.trimEnd()}\n  ${' '.repeat(gutter.length)} | ${caretPad}^`;
}

/** `file:line:col: error CODE: message`, then the excerpt; a whole-file problem has no line:col. */
export function formatProblem(problem: Problem): string {
  const { file, line, col } = problem.location;
  const where = line > 0 ? `${file}:${line}:${col}` : file;
  const head = `${where}: error ${problem.code}: ${problem.message}`;
  return problem.excerpt === undefined ? head : `${head}\n${problem.excerpt}`;
}

/** Reading order within one file: by line, then column. */
export function compareInFile(a: Problem, b: Problem): number {
  return a.location.line - b.location.line || a.location.col - b.location.col;
}
