/**
 * From a path in a suite document (as ajv and the resolvers name values) back to the
 * YAML source: the key, the value, or one character inside a string scalar.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from './types.js';

export type ValuePath = readonly (string | number)[];

interface Found {
  /** The node at the path, or the deepest one on the way when the path leaves the document. */
  readonly node: Node | null;
  /** The key node of the last step when it went through a map. */
  readonly key?: Node;
}

export class NodeLocator {
  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
    private readonly file: string,
    private readonly source: string,
  ) {}

  /** The line and column of a 0-based offset into the file's text. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  value(path: ValuePath): SourceLocation {
    const found = this.find(path);
    return this.at(startOf(found.node) ?? startOf(found.key ?? null) ?? this.documentStart());
  }

  /** The key itself, for an unknown key; the value when the path does not end in a map key. */
  key(path: ValuePath): SourceLocation {
    const found = this.find(path);
    return this.at(startOf(found.key ?? null) ?? startOf(found.node) ?? this.documentStart());
  }

  /** Character `offset` of a string scalar's value, mapped back through quotes and folding. */
  inScalar(path: ValuePath, offset: number): SourceLocation {
    const { node } = this.find(path);
    if (!isScalar(node) || typeof node.value !== 'string' || node.range === undefined || node.range === null)
      return this.value(path);
    return this.at(sourceOffsetInScalar(this.source, node, node.value, offset));
  }

  private documentStart(): number {
    return this.document.range?.[0] ?? 0;
  }

  private find(path: ValuePath): Found {
    let node: Node | null = (this.document.contents as Node | null) ?? null;
    let key: Node | undefined;
    for (const segment of path) {
      const resolved = isAlias(node) ? (node.resolve(this.document) ?? null) : node;
      const next = step(resolved, segment);
      if (next === undefined) return { node: resolved, ...(key !== undefined ? { key } : {}) };
      node = next.node;
      key = next.key;
    }
    return { node, ...(key !== undefined ? { key } : {}) };
  }
}

function step(node: Node | null, segment: string | number): Found | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => keyText(item.key) === String(segment));
    if (pair === undefined) return undefined;
    const key = isNodeLike(pair.key) ? pair.key : undefined;
    return { node: isNodeLike(pair.value) ? pair.value : null, ...(key !== undefined ? { key } : {}) };
  }
  if (isSeq(node)) {
    const item: unknown = node.items[Number(segment)];
    return isNodeLike(item) ? { node: item } : undefined;
  }
  return undefined;
}

function isNodeLike(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && 'range' in value;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function startOf(node: Node | null): number | undefined {
  return node?.range?.[0];
}

/**
 * Walks the value and its source side by side, skipping source characters that the YAML
 * reading dropped (quotes, line breaks and indentation of folded lines) and reading an
 * escape (`\x41`, `''`) as the one character it stands for. Exact for plain and quoted
 * single-line scalars, close for the rest; when the walk loses its way it answers the
 * scalar's start.
 */
export function sourceOffsetInScalar(source: string, node: Scalar, value: string, offset: number): number {
  const [start, end] = node.range ?? [0, 0];
  let j = contentStart(source, node, start);
  for (let i = 0; i < value.length; i++) {
    const escape = escapeLength(source, j, node.type);
    if (escape === 0) {
      while (j < end && source.charAt(j) !== value.charAt(i)) j++;
      if (j >= end) return start;
    }
    if (i === offset) return j;
    j += Math.max(escape, 1);
  }
  // Past the last character: just after it, where "found the end" problems point.
  return Math.min(j, end);
}

/** How many source characters the escape at `at` spans, or 0 when there is none. */
function escapeLength(source: string, at: number, type: Scalar['type']): number {
  if (type === Scalar.QUOTE_SINGLE) return source.startsWith("''", at) ? 2 : 0;
  if (type !== Scalar.QUOTE_DOUBLE || source.charAt(at) !== '\\') return 0;
  const lengths: Readonly<Record<string, number>> = { x: 4, u: 6, U: 10 };
  return lengths[source.charAt(at + 1)] ?? 2;
}

function contentStart(source: string, node: Scalar, start: number): number {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE:
      return start + 1;
    case Scalar.BLOCK_FOLDED:
    case Scalar.BLOCK_LITERAL: {
      const lineEnd = source.indexOf('\n', start);
      return lineEnd === -1 ? start : lineEnd + 1;
    }
    default:
      return start;
  }
}
