/**
 * The one-line grammar of docs/contract.md §1:
 *   from SRC to DST[:PORT[/PROTO]] expect allow|deny
 * Keywords count only at bracket depth 0, so selectors such as `tier in (web, api)` keep
 * their spaces; every problem carries the offset of the offending character.
 */
import type { Protocol } from '../policy/index.js';
import { parseEndpoint, unclosedProblem } from './parse-endpoint.js';
import { wordsAtDepthZero, type Word } from './scan-text.js';
import { failed, parsed, problem, shifted, type Parsed, type TextProblem } from './text-problem.js';
import type { EndpointSpec, Expectation, PortSpec } from './types.js';

export interface AssertionLine {
  readonly from: EndpointSpec;
  readonly to: EndpointSpec;
  readonly port?: PortSpec;
  readonly protocol?: Protocol;
  readonly expect: Expectation;
}

export const ASSERTION_GRAMMAR = 'from SRC to DST[:PORT[/PROTO]] expect allow|deny';

export function parseAssertionLine(text: string): Parsed<AssertionLine> {
  const unclosed = unclosedProblem(text);
  if (unclosed !== undefined) return failed(unclosed);
  const words = wordsAtDepthZero(text);
  const first = words[0];
  if (first === undefined) return grammar(`expected an assertion "${ASSERTION_GRAMMAR}", found nothing`, 0);
  if (first.text !== 'from')
    return grammar(`expected "from" at the start of the assertion, found "${first.text}"`, first.offset);
  const to = indexOfWord(words, 'to', 1);
  const expect = indexOfWord(words, 'expect', to === -1 ? 1 : to + 1);
  if (to === -1) {
    const at = words[expect];
    return at === undefined
      ? grammar(
          'expected "to" and a destination after the source, found the end of the assertion',
          text.length,
        )
      : grammar('expected "to" and a destination before "expect"', at.offset);
  }
  const toWord = words[to] as Word;
  if (to === 1) return grammar('expected a source between "from" and "to"', toWord.offset);
  if (expect === -1)
    return grammar(
      'expected "expect allow" or "expect deny" after the destination, found the end of the assertion',
      text.length,
    );
  const expectWord = words[expect] as Word;
  if (expect === to + 1)
    return grammar('expected a destination between "to" and "expect"', expectWord.offset);

  const source = parseEndpoint(text.slice(first.end, toWord.offset), 'source');
  const destination = parseEndpoint(text.slice(toWord.end, expectWord.offset), 'destination');
  const verdict = expectation(words, expect, text.length);
  const problems: TextProblem[] = [
    ...(source.ok ? [] : shifted(source.problems, first.end)),
    ...(destination.ok ? [] : shifted(destination.problems, toWord.end)),
    ...(verdict.ok ? [] : verdict.problems),
  ];
  if (!source.ok || !destination.ok || !verdict.ok) return failed(...problems);
  const { port, protocol } = destination.value;
  return parsed({
    from: source.value.endpoint,
    to: destination.value.endpoint,
    ...(port !== undefined ? { port } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
    expect: verdict.value,
  });
}

function grammar<T>(message: string, offset: number): Parsed<T> {
  return failed(problem('BAD_GRAMMAR', message, offset));
}

function indexOfWord(words: readonly Word[], text: string, from: number): number {
  for (let i = from; i < words.length; i++) if (words[i]?.text === text) return i;
  return -1;
}

function expectation(words: readonly Word[], expect: number, end: number): Parsed<Expectation> {
  const verdict = words[expect + 1];
  if (verdict === undefined)
    return grammar('expected "allow" or "deny" after "expect", found the end of the assertion', end);
  if (verdict.text !== 'allow' && verdict.text !== 'deny')
    return grammar(`expected "allow" or "deny" after "expect", found "${verdict.text}"`, verdict.offset);
  const extra = words[expect + 2];
  if (extra !== undefined)
    return grammar(
      `unexpected "${extra.text}" after "expect ${verdict.text}"; expected the end of the assertion`,
      extra.offset,
    );
  return parsed(verdict.text);
}
