/**
 * RunResults for reporter tests, built from real result types: one suite with an
 * assertion of each outcome (a failure with two failing pairs), and a second suite that
 * passes, so per-suite and per-run counts can be told apart. The failing pairs carry real
 * verdicts of the policy model, over a small shop with and without its one policy.
 */
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import type { ClusterState, NetworkPolicy, PolicyVerdict } from '../../src/policy/index.js';
import type {
  AssertionResult,
  Outcome,
  PairResult,
  RunOutline,
  RunResult,
  SuiteResult,
} from '../../src/run/index.js';
import type { Assertion, Expectation, Suite } from '../../src/suite/types.js';

export const SHOP_FILE = 'suites/shop.yaml';
export const DNS_FILE = 'suites/dns.yaml';

const SHOP_PODS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
status: {podIP: 10.244.1.5}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: shop, labels: {app: db}}
spec: {containers: [{name: db, ports: [{containerPort: 5432}]}]}
status: {podIP: 10.244.2.9}
`;

const ALLOW_ALL = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{}]
`;

function shopState(manifests: string): ClusterState {
  const { objects } = parseManifests(manifests, 'shop.yaml');
  return stateFromManifests(objects).state;
}

/** What the model says of web-1 → db-0:5432, with the allow-all policy (admitted) and without it. */
function shopVerdicts(): {
  admitted: PolicyVerdict;
  notIsolated: PolicyVerdict;
  policies: readonly NetworkPolicy[];
} {
  const verdict = (state: ClusterState): PolicyVerdict => {
    const pod = (name: string) => state.pods.find((p) => p.name === name);
    const [web, db] = [pod('web-1'), pod('db-0')];
    if (!web || !db) throw new Error('the shop has web-1 and db-0');
    return new PolicyEngine(state).verdict({
      source: { kind: 'pod', pod: web },
      destination: { kind: 'pod', pod: db },
      port: 5432,
      protocol: 'TCP',
    });
  };
  const withPolicy = shopState(SHOP_PODS + ALLOW_ALL);
  return {
    admitted: verdict(withPolicy),
    notIsolated: verdict(shopState(SHOP_PODS)),
    policies: withPolicy.policies,
  };
}

/** How the reports put the two verdicts in words. */
export const ADMITTED_TEXT = [
  'egress of the source: allowed: no policy selecting the pod has Egress in its policyTypes',
  'ingress to the destination: allowed by shop/allow-all ingress[0]: any source, any port',
];
export const NOT_ISOLATED_TEXT = [
  'egress of the source: allowed: no policy selecting the pod has Egress in its policyTypes',
  'ingress to the destination: allowed: no policy selecting the pod has Ingress in its policyTypes',
];

export function assertion(name: string, line: number, overrides: Partial<Assertion> = {}): Assertion {
  return {
    name,
    from: { kind: 'pods', namespace: { kind: 'name', name: 'shop' }, pods: { kind: 'all' } },
    to: {
      kind: 'pods',
      namespace: { kind: 'name', name: 'shop' },
      pods: { kind: 'selector', selector: { matchLabels: { app: 'db' }, matchExpressions: [] } },
    },
    port: { kind: 'number', port: 5432 },
    protocol: 'TCP',
    expect: 'deny',
    timeoutMs: 2000,
    attempts: 1,
    location: { file: SHOP_FILE, line, col: 5 },
    origin: { kind: 'suite' },
    ...overrides,
  };
}

export function pair(outcome: Exclude<Outcome, 'skip'>, overrides: Partial<PairResult> = {}): PairResult {
  const expected: Expectation = 'deny';
  return {
    source: { display: 'shop/web-1', ip: '10.244.1.5' },
    destination: { display: 'shop/db-0', ip: '10.244.2.9' },
    port: 5432,
    protocol: 'TCP',
    expected,
    observations: outcome === 'pass' ? ['timeout'] : ['connected'],
    outcome,
    ...overrides,
  };
}

function result(
  subject: Assertion,
  outcome: Outcome,
  pairs: readonly PairResult[],
  reason?: string,
): AssertionResult {
  return { assertion: subject, outcome, pairs, durationMs: 12, ...(reason === undefined ? {} : { reason }) };
}

export function suite(name: string, file: string, assertions: readonly Assertion[]): Suite {
  return {
    file,
    name,
    location: { file, line: 1, col: 1 },
    defaults: { timeoutMs: 2000, attempts: 1, protocol: 'TCP' },
    setup: [],
    recipes: [],
    generate: false,
    assertions,
  };
}

/** pass, fail (two failing pairs of three), flaky, inconclusive, skip: in that order. */
export function shopSuiteResult(): SuiteResult {
  const passing = assertion('from shop/* to shop/app=web:8080 expect allow', 8, { expect: 'allow' });
  const failing = assertion('db is closed to the shop', 9);
  const flaky = assertion('from shop/* to shop/app=cache:6379 expect deny', 10);
  const inconclusive = assertion('from shop/* to shop/app=queue:5672 expect deny', 11);
  const skipped = assertion('metrics # later', 12, { skip: 'metrics port not ready' });
  const { admitted, notIsolated } = shopVerdicts();
  const results = [
    result(passing, 'pass', [
      pair('pass', {
        expected: 'allow',
        observations: ['connected'],
        destination: { display: 'shop/web-0' },
      }),
    ]),
    result(failing, 'fail', [
      pair('fail', {
        reason: 'connected, expected a deny',
        verdict: admitted,
      }),
      pair('fail', {
        source: { display: 'shop/web-2', ip: '10.244.1.6' },
        verdict: notIsolated,
      }),
      pair('pass', { source: { display: 'shop/web-3' } }),
    ]),
    result(flaky, 'flaky', [
      pair('flaky', {
        destination: { display: 'shop/cache-0' },
        port: 6379,
        observations: ['timeout', 'connected', 'timeout'],
        reason: 'mixed observations over 3 attempts',
      }),
    ]),
    result(inconclusive, 'inconclusive', [
      pair('inconclusive', {
        destination: { display: 'shop/queue-0' },
        port: 5672,
        observations: ['refused'],
        reason: 'the port is closed on a pod that is not ours',
      }),
    ]),
    result(skipped, 'skip', [], 'metrics port not ready'),
  ];
  return {
    suite: suite(
      'shop',
      SHOP_FILE,
      results.map((r) => r.assertion),
    ),
    assertions: results,
    durationMs: 250,
  };
}

export function dnsSuiteResult(): SuiteResult {
  const dns = assertion('dns is open', 4, {
    expect: 'allow',
    protocol: 'UDP',
    port: { kind: 'number', port: 53 },
    location: { file: DNS_FILE, line: 4, col: 5 },
  });
  const held = pair('pass', {
    expected: 'allow',
    destination: { display: 'kube-system/coredns-1', ip: '10.244.0.3' },
    port: 53,
    protocol: 'UDP',
    observations: ['connected'],
  });
  return { suite: suite('dns', DNS_FILE, [dns]), assertions: [result(dns, 'pass', [held])], durationMs: 40 };
}

export function sampleRun(overrides: Partial<RunResult> = {}): RunResult {
  return {
    mode: 'run',
    target: 'kind-ci',
    suites: [shopSuiteResult(), dnsSuiteResult()],
    durationMs: 1234,
    policies: shopVerdicts().policies,
    ...overrides,
  };
}

/** A run where everything held: the two passing assertions only. */
export function passingRun(): RunResult {
  const shop = shopSuiteResult();
  const assertions = shop.assertions.filter((r) => r.outcome === 'pass');
  return sampleRun({ suites: [{ ...shop, assertions }, dnsSuiteResult()] });
}

/** What a report following `run` is told before its first assertion. */
export function outlineOf(run: RunResult): RunOutline {
  return {
    mode: run.mode,
    target: run.target,
    suites: run.suites.map((s) => s.suite),
    policies: run.policies,
  };
}
