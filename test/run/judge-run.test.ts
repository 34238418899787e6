import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { PlanModel, planProbes } from '../../src/plan/index.js';
import type { ProbePlan } from '../../src/plan/index.js';
import type { ClusterState } from '../../src/policy/index.js';
import { predict, RunJudge } from '../../src/run/index.js';
import type { PairObservation, RunProgress } from '../../src/run/index.js';
import { parseSuiteText } from '../../src/suite/index.js';

/** In `shop`, web listens on 8080 and takes traffic only from the client; db takes none. */
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, ports: [{containerPort: 8080}]}]}
status: {podIP: 198.18.0.10}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: db, ports: [{containerPort: 5432}]}]}
status: {podIP: 198.18.0.12}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
status: {podIP: 198.18.0.11}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}]}]
`;

const SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: shop}
assertions:
  - from shop/app=client to shop/app=web:8080 expect allow
  - from shop/app=db to shop/app=web:8080 expect allow
  - name: not yet
    from: shop/app=client
    to: shop/app=db
    port: 5432
    expect: allow
    skip: later
  - from shop/app=client to shop/app=nobody expect deny
  - from shop/* to shop/app=web:8080 expect allow
`;

function setUp(): { state: ClusterState; plan: ProbePlan } {
  const { objects } = parseManifests(MANIFESTS, 'shop.yaml');
  const { state, errors } = stateFromManifests(objects);
  assert.deepEqual(errors, []);
  const parsed = parseSuiteText(SUITE, 'shop.yaml');
  assert.deepEqual(parsed.errors, []);
  return { state, plan: planProbes(parsed.suites, state) };
}

test('predict judges each assertion from the model: outcomes, reasons and the verdicts of failing pairs', () => {
  const { state, plan } = setUp();
  const result = predict(plan, state, { target: 'shop.yaml' });
  const [held, denied, skipped, unplannable, mixed] = result.suites[0]?.assertions ?? [];
  assert.deepEqual(
    result.suites[0]?.assertions.map((a) => a.outcome),
    ['pass', 'fail', 'skip', 'inconclusive', 'fail'],
  );
  assert.equal(held?.pairs[0]?.verdict, undefined, 'a pair that passed carries no verdict');
  assert.deepEqual(denied?.pairs[0]?.observations, ['denied']);
  assert.equal(denied?.pairs[0]?.reason, undefined, "the model's verdict is its own reason");
  assert.deepEqual(denied?.pairs[0]?.verdict?.ingress.isolatedBy, [
    { namespace: 'shop', name: 'web-from-client' },
  ]);
  assert.equal(skipped?.reason, 'later');
  assert.match(unplannable?.reason ?? '', /needs a port number/);
  assert.deepEqual(mixed?.pairs.map((p) => [p.source.display, p.outcome]).sort(), [
    ['shop/client', 'pass'],
    ['shop/db', 'fail'],
  ]);
  assert.deepEqual(
    result.policies.map((p) => p.ref.name),
    ['web-from-client'],
  );
});

test('the model runner measures each pair, and assertions and suites add their pairs up', () => {
  const { state, plan } = setUp();
  const result = predict(plan, state, { target: 'shop.yaml' });
  const suite = result.suites[0];
  assert.ok(suite);
  const [held, denied, skipped, unplannable, mixed] = suite.assertions;
  for (const observed of [held, denied, mixed]) assert.ok((observed?.durationMs ?? 0) > 0);
  assert.equal(skipped?.durationMs, 0, 'nothing was observed for a skipped assertion');
  assert.equal(unplannable?.durationMs, 0, 'nor for one without pairs');
  const sum = suite.assertions.reduce((total, a) => total + a.durationMs, 0);
  assert.ok(Math.abs(suite.durationMs - sum) < 0.01, `${suite.durationMs} is the sum ${sum}`);
  assert.ok(result.durationMs >= suite.durationMs);
});

test('with every verdict asked for (explain), passing pairs carry theirs too', () => {
  const { state, plan } = setUp();
  const result = predict(plan, state, { target: 'shop.yaml', verdicts: 'every' });
  const held = result.suites[0]?.assertions[0];
  assert.equal(held?.outcome, 'pass');
  assert.equal(held?.pairs[0]?.verdict?.allowed, true);
});

test('records arriving out of order are judged in plan order, each assertion once its pairs are in', () => {
  const { state, plan } = setUp();
  const events: string[] = [];
  const progress: RunProgress = {
    onPlan: (outline) => events.push(`plan ${outline.suites.map((s) => s.name).join(',')}`),
    onAssertion: (result, at) => events.push(`${at.suite}.${at.assertion} ${result.outcome}`),
    onSuite: (result) => events.push(`suite ${result.durationMs}`),
  };
  const model = new PlanModel(state, plan);
  const judge = new RunJudge(plan, model, { mode: 'run', target: 'test', concurrent: true }, { progress });
  const pairs = [...plan.pairs.values()];
  // The client gets through to web; the db's probe times out on a port shown listening: a deny.
  const record = (index: number, durationMs: number): PairObservation => ({
    pair: pairs[index] as PairObservation['pair'],
    observations: [index === 0 ? 'connected' : 'timeout'],
    listener: 'listening',
    durationMs,
  });
  assert.equal(pairs.length, 2, 'client→web and db→web, shared by the last assertion');
  judge.add(record(1, 30));
  assert.deepEqual(events, ['plan shop'], 'the first assertion still waits for its pair');
  assert.equal(judge.heldRecords, 1);
  judge.add(record(0, 10));
  // Each record went once the last assertion naming it (the fifth shares both) was judged.
  assert.equal(judge.heldRecords, 0);
  assert.deepEqual(events, [
    'plan shop',
    '0.0 pass',
    '0.1 fail',
    '0.2 skip',
    '0.3 inconclusive',
    '0.4 fail',
    'suite 30',
  ]);
  const result = judge.finish();
  // Side by side: an assertion lasts as long as its slowest pair, a suite as its slowest assertion.
  assert.deepEqual(
    result.suites[0]?.assertions.map((a) => a.durationMs),
    [10, 30, 0, 0, 30],
  );
  assert.equal(result.suites[0]?.assertions[1]?.pairs[0]?.reason, 'observed deny: timeout');
  assert.equal(
    result.suites[0]?.assertions[1]?.pairs[0]?.verdict?.allowed,
    false,
    'the model agrees it is denied',
  );
});

test('a plan whose pairs were not all observed cannot be finished', () => {
  const { state, plan } = setUp();
  const judge = new RunJudge(plan, new PlanModel(state, plan), {
    mode: 'run',
    target: 'test',
    concurrent: true,
  });
  assert.throws(() => judge.finish(), /was planned but not observed/);
});
