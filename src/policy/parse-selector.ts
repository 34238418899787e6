/**
 * kubectl's label-selector syntax (`-l`), as k8s.io/apimachinery/pkg/labels parses it:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x,y)`, `a`, `!a`, joined by commas (AND).
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { Labels } from './cluster.js';
import { labelKeyProblem, labelValueProblem } from './label-syntax.js';
import type { LabelSelector, SelectorRequirement } from './selector.js';

export type ParseSelectorResult =
  | { readonly ok: true; readonly selector: LabelSelector }
  /** `offset` is the 0-based index in the text where the problem is. */
  | { readonly ok: false; readonly message: string; readonly offset: number };

type TokenKind =
  'identifier' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | ',' | '(' | ')' | 'unexpected' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

class SelectorSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

export function parseSelector(text: string): ParseSelectorResult {
  try {
    return { ok: true, selector: new SelectorParser(tokenize(text)).parse() };
  } catch (error) {
    if (error instanceof SelectorSyntaxError)
      return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

/** Characters that end an identifier, as in the apimachinery lexer. */
const SPECIAL = new Set(['!', '=', ',', '(', ')', '<', '>']);

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (isSpace(char)) {
      i++;
    } else if (char === '=' || char === '!') {
      const twoChars = text.slice(i, i + 2);
      const kind = twoChars === '==' || twoChars === '!=' ? twoChars : char;
      tokens.push({ kind, text: kind, offset: i });
      i += kind.length;
    } else if (char === ',' || char === '(' || char === ')') {
      tokens.push({ kind: char, text: char, offset: i });
      i++;
    } else if (SPECIAL.has(char)) {
      tokens.push({ kind: 'unexpected', text: char, offset: i });
      i++;
    } else {
      const start = i;
      while (i < text.length && !isSpace(text.charAt(i)) && !SPECIAL.has(text.charAt(i))) i++;
      const word = text.slice(start, i);
      const kind = word === 'in' || word === 'notin' ? word : 'identifier';
      tokens.push({ kind, text: word, offset: start });
    }
  }
  tokens.push({ kind: 'end', text: '', offset: text.length });
  return tokens;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the selector' : `"${token.text}"`;
}

class SelectorParser {
  private position = 0;
  private readonly matchLabels: Record<string, string> = {};
  private readonly matchExpressions: SelectorRequirement[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): LabelSelector {
    if (this.peek().kind === 'end') return this.selector();
    for (;;) {
      this.requirement();
      const next = this.next();
      if (next.kind === 'end') return this.selector();
      if (next.kind !== ',')
        throw new SelectorSyntaxError(
          `expected "," or the end of the selector, found ${describe(next)}`,
          next.offset,
        );
      if (this.peek().kind === 'end')
        throw new SelectorSyntaxError('expected a requirement after ","', this.peek().offset);
    }
  }

  private selector(): LabelSelector {
    return { matchLabels: this.matchLabels as Labels, matchExpressions: this.matchExpressions };
  }

  private peek(): Token {
    // The token list always ends with an `end` token, which is never consumed past.
    return this.tokens[Math.min(this.position, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private requirement(): void {
    const first = this.next();
    if (first.kind === '!') {
      const key = this.key(this.next(), 'expected a label key after "!"');
      this.matchExpressions.push({ key, operator: 'DoesNotExist', values: [] });
      return;
    }
    const key = this.key(first, 'expected a label key');
    const operator = this.peek();
    switch (operator.kind) {
      case 'end':
      case ',':
        this.matchExpressions.push({ key, operator: 'Exists', values: [] });
        return;
      case '=':
      case '==':
        this.next();
        return this.equality(key, this.value(operator.text));
      case '!=':
        this.next();
        this.matchExpressions.push({ key, operator: 'NotIn', values: [this.value(operator.text)] });
        return;
      case 'in':
      case 'notin':
        this.next();
        this.matchExpressions.push({
          key,
          operator: operator.kind === 'in' ? 'In' : 'NotIn',
          values: this.valueList(operator.kind),
        });
        return;
      default:
        throw new SelectorSyntaxError(
          `expected "=", "==", "!=", "in" or "notin" after key "${key}", found ${describe(operator)}`,
          operator.offset,
        );
    }
  }

  /** A second `a=y` after `a=x` still ANDs: it becomes `a in (y)`. */
  private equality(key: string, value: string): void {
    if (Object.hasOwn(this.matchLabels, key)) {
      this.matchExpressions.push({ key, operator: 'In', values: [value] });
    } else {
      this.matchLabels[key] = value;
    }
  }

  private key(token: Token, expected: string): string {
    if (token.kind !== 'identifier') {
      const found =
        token.kind === 'in' || token.kind === 'notin' ? `keyword "${token.text}"` : describe(token);
      throw new SelectorSyntaxError(`${expected}, found ${found}`, token.offset);
    }
    const problem = labelKeyProblem(token.text);
    if (problem !== undefined) throw new SelectorSyntaxError(problem, token.offset);
    return token.text;
  }

  /** The value after `=`, `==` or `!=`; nothing before a comma or the end is the empty value. */
  private value(operator: string): string {
    const token = this.peek();
    if (token.kind === ',' || token.kind === 'end') return '';
    if (token.kind !== 'identifier')
      throw new SelectorSyntaxError(
        `expected a label value after "${operator}", found ${describe(token)}`,
        token.offset,
      );
    this.next();
    return this.checkedValue(token);
  }

  private checkedValue(token: Token): string {
    const problem = labelValueProblem(token.text);
    if (problem !== undefined) throw new SelectorSyntaxError(problem, token.offset);
    return token.text;
  }

  /** `( v, ... )`; an empty slot is the empty value, as apimachinery reads it. */
  private valueList(operator: 'in' | 'notin'): string[] {
    const open = this.next();
    if (open.kind !== '(')
      throw new SelectorSyntaxError(`expected "(" after "${operator}", found ${describe(open)}`, open.offset);
    const values: string[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === ')' || token.kind === ',') {
        values.push('');
      } else if (token.kind === 'identifier') {
        values.push(this.checkedValue(token));
        const separator = this.next();
        if (separator.kind === ')') return values;
        if (separator.kind !== ',')
          throw new SelectorSyntaxError(
            `expected "," or ")" in the value list of "${operator}", found ${describe(separator)}`,
            separator.offset,
          );
        continue;
      } else {
        throw new SelectorSyntaxError(
          `expected a label value or ")" in the value list of "${operator}", found ${describe(token)}`,
          token.offset,
        );
      }
      if (token.kind === ')') return values;
    }
  }
}
