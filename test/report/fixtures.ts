/**
 * RunResults for reporter tests, built from real result types: one suite with an
 * assertion of each outcome (a failure with two failing pairs), and a second suite that
 * passes, so per-suite and per-run counts can be told apart.
 */
import type { AssertionResult, Outcome, PairResult, RunResult, SuiteResult } from '../../src/probe/result.js';
import type { Assertion, Expectation, Suite } from '../../src/suite/types.js';

export const SHOP_FILE = 'suites/shop.yaml';
export const DNS_FILE = 'suites/dns.yaml';

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
        explanation: 'ingress to shop/db-0:\n  allowed by shop/allow-all (rule 0: any peer)',
      }),
      pair('fail', {
        source: { display: 'shop/web-2', ip: '10.244.1.6' },
        explanation: 'no policy isolates shop/db-0 for ingress',
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
    ...overrides,
  };
}

/** A run where everything held: the two passing assertions only. */
export function passingRun(): RunResult {
  const shop = shopSuiteResult();
  const assertions = shop.assertions.filter((r) => r.outcome === 'pass');
  return sampleRun({ suites: [{ ...shop, assertions }, dnsSuiteResult()] });
}
