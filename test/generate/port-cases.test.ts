/**
 * Cases from a rule's ports: each listed port probed as listed (a named port by name, UDP
 * as UDP, both ends of a range), and the ports just beside a range and a port no entry
 * lists probed as negatives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAssertions } from '../../src/generate/index.js';
import type { Assertion } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint } from '../../src/suite/index.js';
import { assertAllHold, clusterWith, manifest, named, suiteOf, tagsOf } from './fixtures.js';

const STATE = clusterWith(
  manifest(
    'web-ports',
    {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { pod: 'b' } } }],
          ports: [{ port: 'http' }, { port: 53, protocol: 'UDP' }, { port: 8000, endPort: 8100 }],
        },
      ],
    },
    'x',
  ),
);
const GENERATED = generateAssertions(STATE);

function probe(assertion: Assertion): string {
  return `from ${formatEndpoint(assertion.from)} to ${formatDestination(assertion.to, assertion.port, assertion.protocol)} expect ${assertion.expect}`;
}

const ROWS: readonly [string, string, string][] = [
  [
    'generated: x/web-ports ingress[0] from[0] positive',
    'from x/pod=b to x/pod=a:http/tcp expect allow',
    'named-port',
  ],
  [
    'generated: x/web-ports ingress[0] ports[1] positive: 53/UDP',
    'from x/pod=b to x/pod=a:53/udp expect allow',
    'udp',
  ],
  [
    'generated: x/web-ports ingress[0] ports[2] positive: 8000/TCP',
    'from x/pod=b to x/pod=a:8000/tcp expect allow',
    'port-range',
  ],
  [
    'generated: x/web-ports ingress[0] ports[2] positive: 8100/TCP',
    'from x/pod=b to x/pod=a:8100/tcp expect allow',
    'port-range',
  ],
  [
    'generated: x/web-ports ingress[0] ports[2] negative beside the range: 7999/TCP',
    'from x/pod=b to x/pod=a:7999/tcp expect deny',
    'port-range',
  ],
  [
    'generated: x/web-ports ingress[0] ports[2] negative beside the range: 8101/TCP',
    'from x/pod=b to x/pod=a:8101/tcp expect deny',
    'port-range',
  ],
  [
    // The destination declares metrics (9090/TCP), which no entry lists: the realistic negative.
    'generated: x/web-ports ingress[0] ports negative unlisted: 9090/TCP',
    'from x/pod=b to x/pod=a:9090/tcp expect deny',
    'numbered-port',
  ],
];

for (const [name, expected, tag] of ROWS) {
  test(`ports: ${name.slice('generated: x/web-ports ingress[0] '.length)} is ${expected}`, () => {
    const assertion = named(GENERATED, name);
    assert.equal(probe(assertion), expected);
    assert.ok(tagsOf(assertion).includes(tag), `tagged ${tag}: ${tagsOf(assertion).join(', ')}`);
  });
}

test('the peer and port cases hold against the model', () => {
  assertAllHold([suiteOf(GENERATED)], STATE);
});

test('a named port is not probed on a destination that must be created (a probe pod has no named ports)', () => {
  const state = clusterWith(
    manifest(
      'to-missing',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'nowhere' } } }], ports: [{ port: 'http' }] }],
      },
      'x',
    ),
  );
  const generated = generateAssertions(state);
  assert.deepEqual(
    generated.filter((a) => formatEndpoint(a.to).includes('app=nowhere')).map((a) => a.name),
    [],
  );
  assertAllHold([suiteOf(generated)], state);
});
