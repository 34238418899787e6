/** YAML syntax errors from the `yaml` package, worded and placed for a suite author. */
import type { YAMLError } from 'yaml';

export interface YamlProblem {
  readonly message: string;
  /** Offset into the file's text. */
  readonly offset: number;
}

const HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces',
  DUPLICATE_KEY: 'each key may appear once in a map',
};

const UNCLOSED = /end with a ([\]}])$/;

/**
 * yaml notices an unclosed `[` or `{` only where the document goes on without it, often
 * lines later; the bracket that was never closed is the place to point at.
 */
export function explainYamlError(error: YAMLError, text: string, documentStart: number): YamlProblem {
  const closer = UNCLOSED.exec(error.message)?.[1];
  if (closer !== undefined) {
    const opener = closer === ']' ? '[' : '{';
    const open = unclosedOpener(text, documentStart, error.pos[0], opener);
    if (open !== undefined) {
      const what = opener === '[' ? 'flow sequence' : 'flow map';
      return { message: `this ${what} is never closed; expected "${closer}"`, offset: open };
    }
  }
  const hint = HINTS[error.code];
  const message = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  return { message: hint === undefined ? message : `${message}; ${hint}`, offset: error.pos[0] };
}

/** The last bracket opened in text[start, end) and not closed, outside quotes and comments. */
function unclosedOpener(text: string, start: number, end: number, opener: string): number | undefined {
  const open: { char: string; at: number }[] = [];
  let quote: string | undefined;
  for (let i = start; i < end; i++) {
    const char = text.charAt(i);
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#' && (i === start || /\s/.test(text.charAt(i - 1)))) {
      const lineEnd = text.indexOf('\n', i);
      i = lineEnd === -1 ? end : lineEnd;
    } else if (char === '[' || char === '{') {
      open.push({ char, at: i });
    } else if (char === ']' || char === '}') {
      open.pop();
    }
  }
  const last = open[open.length - 1];
  return last?.char === opener ? last.at : undefined;
}
