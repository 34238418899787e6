/** Suite errors as data (code, message, position, excerpt) and as the text a terminal shows. */
import type { SourceLocation, SuiteError, SuiteErrorCode } from './types.js';

/** An error at `location`; with the file's text, the excerpt shows the line and a caret. */
export function suiteError(
  code: SuiteErrorCode,
  message: string,
  location: SourceLocation,
  source?: string,
): SuiteError {
  const excerpt = source === undefined ? undefined : excerptAt(source, location.line, location.col);
  return { code, message, location, ...(excerpt !== undefined ? { excerpt } : {}) };
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

/** `file:line:col: error CODE: message`, then the excerpt; a whole-file error has no line:col. */
export function formatSuiteError(error: SuiteError): string {
  const { file, line, col } = error.location;
  const where = line > 0 ? `${file}:${line}:${col}` : file;
  const head = `${where}: error ${error.code}: ${error.message}`;
  return error.excerpt === undefined ? head : `${head}\n${error.excerpt}`;
}

/** Reading order within one file: by line, then column. */
export function compareInFile(a: SuiteError, b: SuiteError): number {
  return a.location.line - b.location.line || a.location.col - b.location.col;
}
