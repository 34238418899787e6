/**
 * Cases from pod peers and ipBlocks: a positive case from what the peer admits and a
 * negative one from each way of missing it, for every kind of peer, each expecting what
 * the model says (cyclonus `pkg/generator/peerscases.go`, as probes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAssertions } from '../../src/generate/index.js';
import type { Assertion } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint } from '../../src/suite/index.js';
import { assertAllHold, clusterWith, manifest, named, suiteOf, tagsOf } from './fixtures.js';

const ONLY_B = manifest(
  'only-b',
  {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
  },
  'x',
);
const FROM_OPS = manifest(
  'from-ops',
  {
    podSelector: { matchLabels: { pod: 'c' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }],
  },
  'z',
);
const OPS_B = manifest(
  'ops-b',
  {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { pod: 'b' } } },
        ],
      },
    ],
  },
  'z',
);
const ANY_NAMESPACE_C = manifest(
  'any-c',
  {
    podSelector: { matchLabels: { pod: 'b' } },
    ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'c' } } }] }],
  },
  'y',
);
const EGRESS_RANGE = manifest(
  'egress-range',
  {
    podSelector: { matchLabels: { pod: 'a' } },
    policyTypes: ['Egress'],
    egress: [
      { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ port: 443 }] },
    ],
  },
  'x',
);
const EGRESS_TO_B = manifest(
  'egress-to-b',
  {
    podSelector: { matchLabels: { pod: 'a' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
  },
  'z',
);

const STATE = clusterWith(ONLY_B, FROM_OPS, OPS_B, ANY_NAMESPACE_C, EGRESS_RANGE, EGRESS_TO_B);
const GENERATED = generateAssertions(STATE);

function probe(assertion: Assertion): string {
  return `from ${formatEndpoint(assertion.from)} to ${formatDestination(assertion.to, assertion.port, assertion.protocol)} expect ${assertion.expect}`;
}

interface NegativeRow {
  readonly peer: string;
  readonly name: string;
  readonly probe: string;
  readonly tags: readonly string[];
}

const NEGATIVES: readonly NegativeRow[] = [
  {
    peer: 'pod selector in the policy namespace: pods that miss the selector',
    name: 'generated: x/only-b ingress[0] from[0] negative: pod labels pod!=b',
    probe: 'from x/pod!=b to x/pod=a expect deny',
    tags: ['ingress', 'negative', 'other-pod-labels', 'pod-selector'],
  },
  {
    peer: 'pod selector in the policy namespace: the same pods in another namespace',
    name: 'generated: x/only-b ingress[0] from[0] negative: namespace y',
    probe: 'from y/pod=b to x/pod=a expect deny',
    tags: ['ingress', 'negative', 'other-namespace', 'pod-selector'],
  },
  {
    peer: 'namespace selector: pods of a namespace it does not match',
    name: 'generated: z/from-ops ingress[0] from[0] negative: namespace x',
    probe: 'from x/* to z/pod=c expect deny',
    tags: ['ingress', 'negative', 'other-namespace', 'namespace-selector'],
  },
  {
    peer: 'combined peer: other pods in a matching namespace',
    name: 'generated: z/ops-b ingress[0] from[0] negative: pod labels pod!=b',
    probe: 'from {team=ops}/pod!=b to z/pod=a expect deny',
    tags: ['ingress', 'negative', 'other-pod-labels', 'combined-peer'],
  },
  {
    peer: 'combined peer: the same pods in a namespace it does not match, and both',
    name: 'generated: z/ops-b ingress[0] from[0] negative: namespace x, pod labels pod!=b',
    probe: 'from x/pod!=b to z/pod=a expect deny',
    tags: ['ingress', 'negative', 'other-namespace', 'other-pod-labels', 'combined-peer'],
  },
  {
    peer: 'all namespaces: pods that miss the selector anywhere',
    name: 'generated: y/any-c ingress[0] from[0] negative: pod labels pod!=c',
    probe: 'from */pod!=c to y/pod=b expect deny',
    tags: ['ingress', 'negative', 'other-pod-labels', 'all-namespaces'],
  },
  {
    peer: 'ipBlock: an address inside an except',
    name: 'generated: x/egress-range egress[0] to[0] negative: 203.0.113.129 in except 203.0.113.128/25',
    probe: 'from x/pod=a to 203.0.113.129:443/tcp expect deny',
    tags: ['egress', 'negative', 'ip-block', 'except'],
  },
  {
    peer: 'ipBlock: an address outside the block',
    name: 'generated: x/egress-range egress[0] to[0] negative: 192.0.2.1 outside 203.0.113.0/24',
    probe: 'from x/pod=a to 192.0.2.1:443/tcp expect deny',
    tags: ['egress', 'negative', 'ip-block'],
  },
  {
    peer: 'egress pod selector: destinations that miss it',
    name: 'generated: z/egress-to-b egress[0] to[0] negative: pod labels pod!=b',
    probe: 'from z/pod=a to z/pod!=b expect deny',
    tags: ['egress', 'negative', 'other-pod-labels', 'pod-selector'],
  },
];

for (const row of NEGATIVES) {
  test(`a negative case for a ${row.peer}`, () => {
    const assertion = named(GENERATED, row.name);
    assert.equal(probe(assertion), row.probe);
    for (const tag of row.tags) assert.ok(tagsOf(assertion).includes(tag), `${row.name} is tagged ${tag}`);
  });
}

const POSITIVES: readonly [string, string][] = [
  ['generated: x/only-b ingress[0] from[0] positive', 'from x/pod=b to x/pod=a expect allow'],
  ['generated: z/from-ops ingress[0] from[0] positive', 'from {team=ops}/* to z/pod=c expect allow'],
  ['generated: z/ops-b ingress[0] from[0] positive', 'from {team=ops}/pod=b to z/pod=a expect allow'],
  ['generated: y/any-c ingress[0] from[0] positive', 'from */pod=c to y/pod=b expect allow'],
  [
    'generated: x/egress-range egress[0] to[0] positive: 203.0.113.1 in 203.0.113.0/24',
    'from x/pod=a to 203.0.113.1:443/tcp expect allow',
  ],
  ['generated: z/egress-to-b egress[0] to[0] positive', 'from z/pod=a to z/pod=b expect allow'],
];

test('each peer gives a positive case from (or to) what it admits, expecting allow', () => {
  for (const [name, expected] of POSITIVES) assert.equal(probe(named(GENERATED, name)), expected);
});

test('every generated case holds against the model when its suite runs on its own', () => {
  assertAllHold([suiteOf(GENERATED)], STATE);
});

test('an ingress ipBlock is probed from outside addresses only when address sources are asked for', () => {
  const state = clusterWith(
    manifest(
      'from-range',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.0/28'] } }] }],
      },
      'x',
    ),
  );
  const offline = generateAssertions(state, { addressSources: true });
  assert.equal(
    probe(
      named(offline, 'generated: x/from-range ingress[0] from[0] positive: 198.51.100.16 in 198.51.100.0/24'),
    ),
    'from 198.51.100.16 to x/pod=a expect allow',
  );
  assert.equal(
    probe(
      named(
        offline,
        'generated: x/from-range ingress[0] from[0] negative: 198.51.100.1 in except 198.51.100.0/28',
      ),
    ),
    'from 198.51.100.1 to x/pod=a expect deny',
  );
  assertAllHold([suiteOf(offline)], state);
  const live = generateAssertions(state, { addressSources: false });
  assert.deepEqual(
    live.filter((a) => a.from.kind === 'address').map((a) => a.name),
    [],
  );
});

test('an address a pod or node uses is never picked as an outside host', () => {
  const state = clusterWith(
    manifest(
      'to-nodes',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '172.18.0.0/30' } }] }],
      },
      'x',
    ),
  );
  // 172.18.0.1 and .2 are the fixture's nodes: the block's only free address is .3.
  const positive = named(
    generateAssertions(state),
    'generated: x/to-nodes egress[0] to[0] positive: 172.18.0.3 in 172.18.0.0/30',
  );
  assert.equal(probe(positive), 'from x/pod=a to 172.18.0.3:80/tcp expect allow');
});
