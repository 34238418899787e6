/**
 * Policies that admit nothing in a direction (deny-all) give negative cases from and to
 * pods they do not select; rules without `from`/`to` (any peer) give positive ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAssertions } from '../../src/generate/index.js';
import type { Assertion } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint } from '../../src/suite/index.js';
import { assertAllHold, clusterWith, manifest, named, suiteOf, tagsOf } from './fixtures.js';

function probe(assertion: Assertion): string {
  return `from ${formatEndpoint(assertion.from)} to ${formatDestination(assertion.to, assertion.port, assertion.protocol)} expect ${assertion.expect}`;
}

test('an ingress deny-all is probed from a pod of its namespace that it does not select', () => {
  const state = clusterWith(
    manifest('deny-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] }, 'x'),
  );
  const generated = generateAssertions(state);
  const negative = named(generated, 'generated: x/deny-a ingress deny-all negative');
  assert.equal(probe(negative), 'from x/pod!=a to x/pod=a expect deny');
  assert.deepEqual(tagsOf(negative), ['ingress', 'negative', 'deny-all', 'any-port']);
  assert.equal(
    probe(named(generated, 'generated: x/deny-a ingress deny-all negative: 192.0.2.1')),
    'from 192.0.2.1 to x/pod=a expect deny',
  );
  assertAllHold([suiteOf(generated)], state);
});

test('an egress deny-all of a whole namespace is probed to another namespace and to an outside address', () => {
  const state = clusterWith(manifest('deny-out', { podSelector: {}, policyTypes: ['Egress'] }, 'y'));
  const generated = generateAssertions(state, { addressSources: false });
  assert.deepEqual(
    generated.map((a) => [a.name, probe(a)]),
    [
      ['generated: y/deny-out egress deny-all negative', 'from y/* to x/* expect deny'],
      [
        'generated: y/deny-out egress deny-all negative: 192.0.2.1',
        'from y/* to 192.0.2.1:80/tcp expect deny',
      ],
    ],
  );
  assertAllHold([suiteOf(generated)], state);
});

test('a rule without peers admits pods the policy does not select and outside addresses', () => {
  const state = clusterWith(
    manifest(
      'open-egress',
      {
        podSelector: { matchLabels: { pod: 'b' } },
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: 9090 }] }],
      },
      'z',
    ),
  );
  const generated = generateAssertions(state);
  const toPods = named(generated, 'generated: z/open-egress egress[0] any destination positive');
  assert.equal(probe(toPods), 'from z/pod=b to z/pod!=b:9090/tcp expect allow');
  assert.ok(tagsOf(toPods).includes('any-peer'));
  assert.equal(
    probe(named(generated, 'generated: z/open-egress egress[0] any destination positive: 192.0.2.1')),
    'from z/pod=b to 192.0.2.1:9090/tcp expect allow',
  );
  assert.equal(
    probe(named(generated, 'generated: z/open-egress egress[0] ports negative unlisted: 80/TCP')),
    'from z/pod=b to z/pod!=b:80/tcp expect deny',
  );
  assertAllHold([suiteOf(generated)], state);
});
