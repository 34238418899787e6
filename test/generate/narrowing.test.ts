/**
 * An assertion holds only when every pair it stands for gives its verdict, so a
 * generated case whose pods the policies treat differently is narrowed until they agree
 * (or left out), and a broad endpoint is narrowed to keep a case to a few pairs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterView, fitEndpoint, generateAssertions, narrowEndpoint } from '../../src/generate/index.js';
import type { ClusterState, Pod } from '../../src/policy/index.js';
import { describeEndpoint, planProbes } from '../../src/plan/index.js';
import type { EndpointSpec } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint, parseEndpoint } from '../../src/suite/index.js';
import { syntheticCluster } from '../../bench/synthetic-cluster.js';
import { cluster, pod } from '../policy/fixtures.js';
import { withNamespaceNameLabels } from '../../src/policy/index.js';
import { assertAllHold, clusterWith, manifest, named, suiteOf } from './fixtures.js';

function endpoint(text: string): EndpointSpec {
  const parsed = parseEndpoint(text, 'source');
  assert.ok(parsed.ok, text);
  return parsed.value.endpoint;
}

test('a case whose sources the policies treat differently is narrowed to the sources that fit it', () => {
  const state = clusterWith(
    manifest(
      'from-z',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] }],
      },
      'y',
    ),
    // z/a may only talk to z/b: from {ns=z}/*, one source of three is denied.
    manifest(
      'z-a-egress',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
      },
      'z',
    ),
  );
  const generated = generateAssertions(state);
  const positive = named(generated, 'generated: y/from-z ingress[0] from[0] positive');
  assert.equal(
    `from ${formatEndpoint(positive.from)} to ${formatDestination(positive.to, positive.port)} expect ${positive.expect}`,
    'from z/pod=b to y/pod=a expect allow',
  );
  assertAllHold([suiteOf(generated)], state);
});

test('on a random cluster every generated case holds, alone and in the plan it runs in', () => {
  const state = withNamespaceNameLabels(
    syntheticCluster({ namespaces: 12, pods: 240, nodes: 6, policies: 40, seed: 7 }).state,
  );
  const generated = generateAssertions(state);
  assert.ok(generated.length > 100, `${generated.length} cases`);
  assertAllHold([suiteOf(generated)], state);
  assert.ok(generated.some((a) => a.expect === 'allow'));
  assert.ok(generated.some((a) => a.expect === 'deny'));
});

test('no case stands for more than the pair budget, however broad its peer', () => {
  const state = withNamespaceNameLabels(
    syntheticCluster({ namespaces: 12, pods: 240, nodes: 6, policies: 40, seed: 11 }).state,
  );
  const generated = generateAssertions(state, { maxPairs: 4 });
  const plan = planProbes([suiteOf(generated)], state);
  for (const { assertion, pairs } of plan.suites[0]?.assertions ?? []) {
    const sources = new Set(pairs.map((p) => describeEndpoint(p.source)));
    const destinations = new Set(pairs.map((p) => describeEndpoint(p.destination)));
    assert.ok(
      sources.size * destinations.size <= 4,
      `${assertion.name}: ${sources.size} x ${destinations.size}`,
    );
  }
});

test('narrowing goes to the pod namespace, then its labels (not the per-rollout ones), then its name', () => {
  const web: Pod = pod('shop', 'web-5d9c-x2', { app: 'web', 'pod-template-hash': '5d9c' });
  const steps: string[] = [];
  let spec: EndpointSpec | undefined = endpoint('{team=shop}/*');
  while (spec !== undefined) {
    steps.push(formatEndpoint(spec));
    spec = narrowEndpoint(spec, web);
  }
  assert.deepEqual(steps, ['{team=shop}/*', 'shop/*', 'shop/app=web', 'pod:shop/web-5d9c-x2']);
});

test('a broad endpoint is narrowed around a pod other than the ones to avoid', () => {
  const view = new ClusterView(cluster([]));
  const avoid = new Set(view.podsMatching(endpoint('x/pod=a')));
  assert.equal(formatEndpoint(fitEndpoint(endpoint('*/*'), view, 2, avoid)), 'x/pod=b');
  assert.equal(formatEndpoint(fitEndpoint(endpoint('x/*'), view, 3, avoid)), 'x/*');
});

test('narrowing does not depend on the order the manifests list pods in', () => {
  const state = withNamespaceNameLabels(
    syntheticCluster({ namespaces: 12, pods: 240, nodes: 6, policies: 40, seed: 7 }).state,
  );
  const reversed = { ...state, pods: [...state.pods].reverse(), namespaces: [...state.namespaces].reverse() };
  const said = (state: ClusterState): string[] =>
    generateAssertions(state).map(
      (a) => `${a.name} ${formatEndpoint(a.from)} ${formatDestination(a.to, a.port, a.protocol)} ${a.expect}`,
    );
  const first = said(state);
  assert.ok(
    first.some((line) => line.includes('pod:')),
    'some case was narrowed to a pod',
  );
  assert.deepEqual(said(reversed), first);
});
