/**
 * Generated assertions as a suite file a user can commit: `apiVersion: netpol-assert/v1`,
 * `kind: Suite`, one map per assertion (its name, the endpoints in the one-line grammar,
 * the port, the protocol when not TCP, the expectation), each under a comment with its
 * tags. Written through the yaml Document API, so quoting is always right.
 */
import { Document, isMap, isSeq } from 'yaml';
import { formatEndpoint } from '../suite/index.js';
import type { Assertion } from '../suite/index.js';

export interface GeneratedSuiteOptions {
  /** metadata.name: lowercase letters, digits, `-` and `.`. */
  readonly name: string;
  /** Lines for the comment at the top, e.g. where the policies came from. */
  readonly header?: readonly string[];
}

export function formatGeneratedSuite(
  assertions: readonly Assertion[],
  options: GeneratedSuiteOptions,
): string {
  const document = new Document({
    apiVersion: 'netpol-assert/v1',
    kind: 'Suite',
    metadata: { name: options.name },
    // An empty list would not load: a suite needs something to check.
    ...(assertions.length > 0 ? { assertions: assertions.map(assertionMap) } : { generate: true }),
  });
  if (options.header !== undefined && options.header.length > 0)
    document.commentBefore = options.header.map((line) => ` ${line}`).join('\n');
  const metadata = document.get('metadata', true);
  if (isMap(metadata)) metadata.flow = true;
  const list = document.get('assertions', true);
  if (isSeq(list)) {
    list.items.forEach((item, index) => {
      const origin = assertions[index]?.origin;
      if (origin?.kind === 'generated' && origin.tags.length > 0 && isMap(item))
        item.commentBefore = ` tags: ${origin.tags.join(', ')}`;
    });
  }
  return document.toString({ lineWidth: 0 });
}

function assertionMap(assertion: Assertion): Record<string, unknown> {
  const { port } = assertion;
  return {
    name: assertion.name,
    from: formatEndpoint(assertion.from),
    to: formatEndpoint(assertion.to),
    ...(port === undefined ? {} : { port: port.kind === 'number' ? port.port : port.name }),
    ...(assertion.protocol === 'TCP' ? {} : { protocol: assertion.protocol }),
    expect: assertion.expect,
  };
}
