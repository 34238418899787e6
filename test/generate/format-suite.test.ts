/**
 * The generated suite as a file a user commits: it loads back through the suite loader
 * without a problem, says the same thing, and passes `predict` against the manifests it
 * came from; the same policies always give the same text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { formatGeneratedSuite, generateAssertions } from '../../src/generate/index.js';
import type { Assertion } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint, parseSuiteText } from '../../src/suite/index.js';
import { assertAllHold, clusterWith, exampleState, manifest } from './fixtures.js';

const FILE = 'suites/generated.yaml';

function said(a: Assertion): string {
  return `${a.name} | from ${formatEndpoint(a.from)} to ${formatDestination(a.to, a.port, a.protocol)} expect ${a.expect}`;
}

test('the suite generated from the example manifests loads back with no problem and says the same', async () => {
  const generated = generateAssertions(await exampleState());
  const text = formatGeneratedSuite(generated, { name: 'generated' });
  const loaded = parseSuiteText(text, FILE);
  assert.deepEqual(loaded.errors, []);
  assert.equal(loaded.suites.length, 1);
  const suite = loaded.suites[0];
  assert.ok(suite);
  assert.equal(suite.name, 'generated');
  assert.deepEqual(suite.assertions.map(said), generated.map(said));
});

test('the loaded suite passes predict against the manifests it was generated from', async () => {
  const state = await exampleState();
  const loaded = parseSuiteText(formatGeneratedSuite(generateAssertions(state), { name: 'generated' }), FILE);
  assertAllHold(loaded.suites, state);
});

test('the generated suite covers every example policy, both ways of expecting, and UDP, named ports and an except', async () => {
  const generated = generateAssertions(await exampleState());
  for (const policy of ['api-allow', 'web-allow-monitoring', 'db-allow-api', 'egress-lockdown'])
    assert.ok(
      generated.some((a) => a.name.includes(`/${policy} `)),
      policy,
    );
  const tags = new Set(generated.flatMap((a) => (a.origin.kind === 'generated' ? a.origin.tags : [])));
  for (const tag of [
    'ingress',
    'egress',
    'positive',
    'negative',
    'combined-peer',
    'ip-block',
    'except',
    'named-port',
    'udp',
  ])
    assert.ok(tags.has(tag), tag);
  assert.ok(generated.some((a) => a.expect === 'allow'));
  assert.ok(generated.some((a) => a.expect === 'deny'));
});

test('the file is a Suite with a header, and each assertion a map under a comment naming its tags', () => {
  const state = clusterWith(
    manifest(
      'dns',
      { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] },
      'x',
    ),
  );
  const text = formatGeneratedSuite(generateAssertions(state), {
    name: 'x-policies',
    header: ['from --state x/'],
  });
  assert.match(text, /^# from --state x\/\n/);
  const document = parseDocument(text);
  assert.deepEqual(document.errors, []);
  const root = document.toJS() as {
    apiVersion: string;
    kind: string;
    metadata: unknown;
    assertions: Record<string, unknown>[];
  };
  assert.equal(root.apiVersion, 'netpol-assert/v1');
  assert.equal(root.kind, 'Suite');
  assert.deepEqual(root.metadata, { name: 'x-policies' });
  assert.deepEqual(root.assertions[0], {
    name: 'generated: x/dns egress[0] any destination positive',
    from: 'x/*',
    to: 'y/*',
    port: 53,
    protocol: 'UDP',
    expect: 'allow',
  });
  assert.match(
    text,
    /# tags: egress, positive, any-peer, numbered-port, udp\n {2}- name: "generated: x\/dns egress\[0\] any destination positive"/,
  );
});

test('a cluster without policies gives a suite that still loads (it asks for generation instead)', () => {
  const text = formatGeneratedSuite(generateAssertions(clusterWith()), { name: 'empty' });
  const loaded = parseSuiteText(text, FILE);
  assert.deepEqual(loaded.errors, []);
  assert.equal(loaded.suites[0]?.generate, true);
});

test('the same policies give the same text, whatever order the manifests list them in', async () => {
  const state = await exampleState();
  const reversed = {
    ...state,
    policies: [...state.policies].reverse(),
    pods: [...state.pods].reverse(),
    namespaces: [...state.namespaces].reverse(),
  };
  const first = formatGeneratedSuite(generateAssertions(state), { name: 'generated' });
  assert.equal(formatGeneratedSuite(generateAssertions(state), { name: 'generated' }), first);
  assert.equal(formatGeneratedSuite(generateAssertions(reversed), { name: 'generated' }), first);
});
