/**
 * Scanning the one-line grammar outside brackets: selectors hold spaces and commas inside
 * `( )`, namespace selectors sit in `{ }`, IPv6 addresses in `[ ]`; only what stands at
 * depth 0 separates words, ports and namespaces.
 */

export interface Word {
  readonly text: string;
  /** Index of the first character in the scanned text. */
  readonly offset: number;
  /** Index just past the last character. */
  readonly end: number;
}

const OPENERS = new Set(['(', '{', '[']);
const CLOSERS = new Set([')', '}', ']']);

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/** Calls `visit` with each index and the bracket depth before that character. */
function scan(text: string, visit: (index: number, depth: number) => void): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (CLOSERS.has(char) && depth > 0) depth--;
    visit(i, CLOSERS.has(char) || OPENERS.has(char) ? -1 : depth);
    if (OPENERS.has(char)) depth++;
  }
}

/** Whitespace-separated words; whitespace inside brackets stays in its word. */
export function wordsAtDepthZero(text: string): Word[] {
  const words: Word[] = [];
  let start = -1;
  scan(text, (i, depth) => {
    const splits = depth === 0 && isSpace(text.charAt(i));
    if (splits && start !== -1) {
      words.push({ text: text.slice(start, i), offset: start, end: i });
      start = -1;
    } else if (!splits && start === -1) {
      start = i;
    }
  });
  if (start !== -1) words.push({ text: text.slice(start), offset: start, end: text.length });
  return words;
}

/** The first index of `char` outside brackets, or -1. */
export function firstIndexAtDepthZero(text: string, char: string): number {
  let found = -1;
  scan(text, (i, depth) => {
    if (found === -1 && depth === 0 && text.charAt(i) === char) found = i;
  });
  return found;
}

/** The last index of `char` outside brackets, or -1. */
export function lastIndexAtDepthZero(text: string, char: string): number {
  let found = -1;
  scan(text, (i, depth) => {
    if (depth === 0 && text.charAt(i) === char) found = i;
  });
  return found;
}

/** `text` without surrounding whitespace, and where what is left starts. */
export function trimmed(text: string): { readonly text: string; readonly offset: number } {
  const offset = text.length - text.trimStart().length;
  return { text: text.trim(), offset };
}

const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '{': '}', '[': ']' };

/** The first bracket never closed, if any: everything after it would read as one word. */
export function unclosedBracket(
  text: string,
): { readonly char: string; readonly closer: string; readonly offset: number } | undefined {
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (OPENERS.has(char)) open.push(i);
    else if (CLOSERS.has(char)) open.pop();
  }
  const offset = open[0];
  if (offset === undefined) return undefined;
  const char = text.charAt(offset);
  return { char, closer: CLOSER_OF[char] ?? '', offset };
}
