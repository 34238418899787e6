import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILT_IN_DEFAULTS,
  parseDuration,
  parseSuiteText,
  SKIPPED_WITHOUT_REASON,
  type Assertion,
  type Suite,
} from '../../src/suite/index.js';
import { formatProblem } from '../../src/shared/index.js';

const HEADER = 'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\n';

/** The one suite in `text`, failing the test with the formatted errors if there is none. */
function onlySuite(text: string, file = 'suites/s.yaml'): Suite {
  const { suites, errors } = parseSuiteText(text, file);
  assert.deepEqual(errors.map(formatProblem), []);
  assert.equal(suites.length, 1);
  return suites[0] as Suite;
}

function onlyAssertion(body: string): Assertion {
  const suite = onlySuite(`${HEADER}assertions:\n${body}`);
  assert.equal(suite.assertions.length, 1);
  return suite.assertions[0] as Assertion;
}

function errorLines(text: string, file = 's.yaml'): string[] {
  const { suites, errors } = parseSuiteText(text, file);
  assert.deepEqual(suites, [], 'a file with errors yields no suite');
  return errors.map((e) => `${e.location.line}:${e.location.col} ${e.code} ${e.message}`);
}

test('the contract example parses with its defaults, setup, recipes and generation', () => {
  const suite = onlySuite(
    [
      'apiVersion: netpol-assert/v1',
      'kind: Suite',
      'metadata: {name: bookstore}',
      'defaults: {timeout: 2s, attempts: 1, protocol: TCP}',
      'setup: [manifests/bookstore.yaml, /abs/other.yaml]',
      'recipes: [02-limit-traffic-to-an-application]',
      'generate: true',
      'assertions:',
      '  - from default/app=bookstore to default/app=bookstore,role=api:8080 expect allow',
      '  - name: dns is open',
      '    from: shop/*',
      '    to: kube-system/k8s-app=kube-dns:53/udp',
      '    expect: allow',
      '    attempts: 3',
    ].join('\n'),
    'suites/bookstore.yaml',
  );
  assert.equal(suite.name, 'bookstore');
  assert.equal(suite.file, 'suites/bookstore.yaml');
  assert.deepEqual(suite.location, { file: 'suites/bookstore.yaml', line: 1, col: 1 });
  assert.deepEqual(suite.defaults, { timeoutMs: 2000, attempts: 1, protocol: 'TCP' });
  assert.deepEqual(suite.setup, ['suites/manifests/bookstore.yaml', '/abs/other.yaml']);
  assert.deepEqual(suite.recipes, ['02-limit-traffic-to-an-application']);
  assert.equal(suite.generate, true);
  const [line, dns] = suite.assertions;
  assert.deepEqual(line, {
    name: 'from default/app=bookstore to default/app=bookstore,role=api:8080 expect allow',
    from: {
      kind: 'pods',
      namespace: { kind: 'name', name: 'default' },
      pods: { kind: 'selector', selector: { matchLabels: { app: 'bookstore' }, matchExpressions: [] } },
    },
    to: {
      kind: 'pods',
      namespace: { kind: 'name', name: 'default' },
      pods: {
        kind: 'selector',
        selector: { matchLabels: { app: 'bookstore', role: 'api' }, matchExpressions: [] },
      },
    },
    port: { kind: 'number', port: 8080 },
    protocol: 'TCP',
    expect: 'allow',
    timeoutMs: 2000,
    attempts: 1,
    location: { file: 'suites/bookstore.yaml', line: 9, col: 5 },
    origin: { kind: 'suite' },
  });
  assert.equal(dns?.name, 'dns is open');
  assert.deepEqual(dns?.port, { kind: 'number', port: 53 });
  assert.equal(dns?.protocol, 'UDP');
  assert.equal(dns?.attempts, 3);
  assert.deepEqual(dns?.location, { file: 'suites/bookstore.yaml', line: 10, col: 5 });
});

test('a suite without defaults uses 1s, one attempt and TCP', () => {
  assert.deepEqual(BUILT_IN_DEFAULTS, { timeoutMs: 1000, attempts: 1, protocol: 'TCP' });
  const suite = onlySuite(`${HEADER}assertions: [from a/b to c/d:80 expect allow]`);
  assert.deepEqual(suite.defaults, BUILT_IN_DEFAULTS);
  assert.equal(suite.generate, false);
  assert.deepEqual([suite.setup, suite.recipes], [[], []]);
  const [assertion] = suite.assertions;
  assert.deepEqual([assertion?.timeoutMs, assertion?.attempts, assertion?.protocol], [1000, 1, 'TCP']);
});

test('defaults given in part keep the built-in values for the rest, and assertions override them', () => {
  const suite = onlySuite(
    `${HEADER}defaults: {protocol: udp}\nassertions:\n` +
      '  - from a/b to c/d:53 expect allow\n' +
      '  - from a/b to c/d:53/tcp expect allow\n' +
      '  - {from: a/b, to: c/d, port: 9, protocol: sctp, timeout: 250ms, attempts: 4, expect: deny}\n',
  );
  assert.deepEqual(suite.defaults, { timeoutMs: 1000, attempts: 1, protocol: 'UDP' });
  assert.deepEqual(
    suite.assertions.map((a) => [a.protocol, a.timeoutMs, a.attempts]),
    [
      ['UDP', 1000, 1],
      ['TCP', 1000, 1],
      ['SCTP', 250, 4],
    ],
  );
});

test('durations take ms, s and m, fractions and sums', () => {
  const table: [string, number][] = [
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['0.5ms', 1],
  ];
  for (const [text, ms] of table) assert.deepEqual(parseDuration(text), { ok: true, value: ms }, text);
});

test('a duration without a unit, with an unknown unit or of zero is refused with a hint', () => {
  const problems = (text: string) => {
    const result = parseDuration(text);
    return result.ok ? [] : result.problems.map((p) => p.message);
  };
  assert.deepEqual(problems('2'), ['duration 2 has no unit; expected e.g. "500ms", "2s", "1.5s" or "1m"']);
  assert.deepEqual(problems('2h'), ['"2h" is not a duration; expected e.g. "500ms", "2s", "1.5s" or "1m"']);
  assert.deepEqual(problems('0s'), ['duration "0s" must be at least 1ms']);
});

test('a structured endpoint takes a namespace by name, "*" or labels, and pods by labels or a selector', () => {
  const suite = onlySuite(
    `${HEADER}assertions:\n` +
      '  - from: {namespace: shop}\n' +
      '    to: {namespace: "*", pod: {}}\n' +
      '    expect: deny\n' +
      '  - from: {namespace: {team: ops}, pod: {app: web}}\n' +
      '    to:\n' +
      '      namespace: {matchLabels: {env: prod}, matchExpressions: [{key: tier, operator: In, values: [a, b]}]}\n' +
      '      pod: {matchExpressions: [{key: canary, operator: DoesNotExist}]}\n' +
      '    expect: allow\n' +
      '  - from: {namespace: {}}\n' +
      '    to: {namespace: {matchLabels: {}}}\n' +
      '    expect: allow\n',
  );
  const endpoints = suite.assertions.map((a) => [a.from, a.to]);
  assert.deepEqual(endpoints, [
    [
      { kind: 'pods', namespace: { kind: 'name', name: 'shop' }, pods: { kind: 'all' } },
      { kind: 'pods', namespace: { kind: 'all' }, pods: { kind: 'all' } },
    ],
    [
      {
        kind: 'pods',
        namespace: { kind: 'selector', selector: { matchLabels: { team: 'ops' }, matchExpressions: [] } },
        pods: { kind: 'selector', selector: { matchLabels: { app: 'web' }, matchExpressions: [] } },
      },
      {
        kind: 'pods',
        namespace: {
          kind: 'selector',
          selector: {
            matchLabels: { env: 'prod' },
            matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
          },
        },
        pods: {
          kind: 'selector',
          selector: {
            matchLabels: {},
            matchExpressions: [{ key: 'canary', operator: 'DoesNotExist', values: [] }],
          },
        },
      },
    ],
    [
      { kind: 'pods', namespace: { kind: 'all' }, pods: { kind: 'all' } },
      { kind: 'pods', namespace: { kind: 'all' }, pods: { kind: 'all' } },
    ],
  ]);
});

test('an unnamed map assertion is named by its one-line equivalent', () => {
  const suite = onlySuite(
    `${HEADER}assertions:\n` +
      '  - {from: shop/*, to: {namespace: kube-system, pod: {k8s-app: kube-dns}}, port: 53, protocol: udp, expect: allow}\n' +
      '  - {from: {namespace: {team: ops}}, to: "fd00::1", port: 53, expect: deny}\n' +
      '  - {from: " shop/app=web ", to: "shop/app=db:5432", port: 5432, expect: deny}\n' +
      '  - {from: shop/app=web, to: shop/app=db, port: postgres, expect: deny}\n',
  );
  assert.deepEqual(
    suite.assertions.map((a) => a.name),
    [
      'from shop/* to kube-system/k8s-app=kube-dns:53/udp expect allow',
      'from {team=ops}/* to [fd00::1]:53 expect deny',
      'from shop/app=web to shop/app=db:5432 expect deny',
      'from shop/app=web to shop/app=db:postgres expect deny',
    ],
  );
});

test('"to" with a port and "port:" may both be given when they agree', () => {
  const assertion = onlyAssertion(
    '  - {from: a/b, to: "c/d:53/udp", port: 53, protocol: UDP, expect: allow}\n',
  );
  assert.deepEqual([assertion.port, assertion.protocol], [{ kind: 'number', port: 53 }, 'UDP']);
});

test('skip takes true or a reason; false runs the assertion', () => {
  const suite = onlySuite(
    `${HEADER}assertions:\n` +
      '  - {from: a/b, to: c/d, expect: allow, skip: true}\n' +
      '  - {from: a/b, to: c/d, expect: allow, skip: "waits for the CNI upgrade"}\n' +
      '  - {from: a/b, to: c/d, expect: allow, skip: false}\n',
  );
  assert.deepEqual(
    suite.assertions.map((a) => a.skip),
    [SKIPPED_WITHOUT_REASON, 'waits for the CNI upgrade', undefined],
  );
});

test('every Suite document of a file is a suite; empty documents are ignored', () => {
  const text = `---\n# nothing here\n---\n${HEADER}assertions: [from a/b to c/d expect allow]\n---\napiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: t}\ngenerate: true\n---\n`;
  const { suites, errors } = parseSuiteText(text, 'two.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(
    suites.map((s) => [s.name, s.location.line, s.assertions.length, s.generate]),
    [
      ['s', 4, 1, false],
      ['t', 9, 0, true],
    ],
  );
});

test('one broken document in a file means no suite from that file at all', () => {
  const text = `${HEADER}assertions: [from a/b to c/d expect allow]\n---\n${HEADER}assertions: [from a/b to c/d expect nope]\n`;
  assert.deepEqual(errorLines(text), [
    '9:37 BAD_GRAMMAR expected "allow" or "deny" after "expect", found "nope"',
  ]);
});

test('a document of another kind among suites is an error that says what was expected', () => {
  const text = `${HEADER}assertions: [from a/b to c/d expect allow]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`;
  assert.deepEqual(errorLines(text), [
    '7:7 BAD_VALUE expected kind "Suite", found "ConfigMap"; manifests belong under "setup", not among suites',
  ]);
});

test('a document that is not a map is refused', () => {
  assert.deepEqual(errorLines('- a\n- b\n'), ['1:1 BAD_TYPE the suite must be a map; found a list']);
});

test('unknown keys are reported at the key, with the keys allowed there', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s, labels: {}}\n' +
    'defaults: {timeout: 1s, retries: 2}\nspec: {}\n' +
    'assertions:\n  - {from: {namespace: a, pods: {}}, to: c/d, expect: deny}\n';
  assert.deepEqual(errorLines(text), [
    '3:21 UNKNOWN_KEY unknown key "labels" in metadata; expected one of: name',
    '4:25 UNKNOWN_KEY unknown key "retries" in defaults; expected one of: timeout, attempts, protocol',
    '5:1 UNKNOWN_KEY unknown key "spec" in the suite; expected one of: apiVersion, kind, metadata, defaults, setup, recipes, generate, assertions',
    '7:27 UNKNOWN_KEY unknown key "pods" in endpoint; expected one of: namespace, pod (did you mean "pod"?)',
  ]);
});

test('wrong types are reported at the value, saying what was expected and what was found', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nsetup: manifests/a.yaml\ngenerate: "yes"\n' +
    'assertions:\n  - {from: 7, to: [c/d], expect: allow, port: 8.5, name: 3}\n  - {from: a/b, to: c/d, expect: allow, port: "80"}\n';
  assert.deepEqual(errorLines(text), [
    '4:8 BAD_TYPE setup must be a list; found the string "manifests/a.yaml"',
    '5:11 BAD_TYPE generate must be true or false; found the string "yes"',
    '7:12 BAD_TYPE from must be an endpoint string (e.g. "shop/app=web") or a map with "namespace" and "pod"; found the number 7',
    '7:19 BAD_TYPE to must be an endpoint string (e.g. "shop/app=web") or a map with "namespace" and "pod"; found a list',
    '7:47 BAD_PORT port must be a number 1..65535 or a container port name (at most 15 lowercase letters, digits and "-", with at least one letter); found the number 8.5',
    '7:58 BAD_TYPE name must be a string; found the number 3',
    '8:47 BAD_PORT port "80" is quoted; expected a number without quotes (1..65535) or a container port name (at most 15 lowercase letters, digits and "-", with at least one letter)',
  ]);
});

test('a misspelt required key is reported once, as an unknown key with a suggestion', () => {
  assert.deepEqual(errorLines(`${HEADER}assertions:\n  - {from: a/b, too: c/d, expect: deny}\n`), [
    '5:17 UNKNOWN_KEY unknown key "too" in assertion; expected one of: name, from, to, port, protocol, expect, timeout, attempts, skip (did you mean "to"?)',
  ]);
});

test('columns inside quoted and block scalars point at the offending character', () => {
  const text =
    `${HEADER}assertions:\n` +
    "  - 'from a/b to c/d:99999 expect allow'\n" +
    '  - "from a/b to c/d:\\x41 expect allow"\n' +
    '  - |-\n    from a/b to c/d:80/xtp expect allow\n';
  assert.deepEqual(errorLines(text), [
    '5:22 BAD_PORT port 99999 is out of range; expected 1..65535',
    '6:22 BAD_PORT port "A" is not a valid port; expected a number 1..65535 or a container port name (at most 15 lowercase letters, digits and "-", with at least one letter)',
    '8:24 BAD_PROTOCOL expected "tcp", "udp" or "sctp" after "/", found "xtp"',
  ]);
});

test('anchors and merge keys are read as YAML defines them', () => {
  const suite = onlySuite(
    `${HEADER}assertions:\n` +
      '  - &web {from: shop/app=web, to: shop/app=db:5432, expect: deny}\n' +
      '  - {<<: *web, expect: allow, name: merged}\n',
  );
  assert.deepEqual(
    suite.assertions.map((a) => [a.name, a.expect, a.port]),
    [
      ['from shop/app=web to shop/app=db:5432 expect deny', 'deny', { kind: 'number', port: 5432 }],
      ['merged', 'allow', { kind: 'number', port: 5432 }],
    ],
  );
});

test('a suite with nothing to check is an error, but recipes or generation alone are enough', () => {
  assert.deepEqual(errorLines(HEADER), [
    '1:1 MISSING_KEY the suite has nothing to check; expected at least one entry in "assertions", a recipe in "recipes", or "generate: true"',
  ]);
  assert.equal(onlySuite(`${HEADER}recipes: ['01']\nassertions: []\n`).recipes.length, 1);
  assert.equal(onlySuite(`${HEADER}generate: true\n`).generate, true);
});

test('selector problems in label maps and match expressions point at the key or value', () => {
  const text =
    `${HEADER}assertions:\n` +
    '  - from: {namespace: {"bad key": x}, pod: {app: "-web"}}\n' +
    '    to: {namespace: a, pod: {matchExpressions: [{key: k, operator: Exists, values: [x]}]}}\n' +
    '    expect: deny\n';
  assert.deepEqual(errorLines(text), [
    '5:24 BAD_SELECTOR invalid label key "bad key": the name must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."',
    '5:50 BAD_SELECTOR invalid label value "-web": must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."',
    '6:84 BAD_SELECTOR operator Exists takes no values; remove "values"',
  ]);
});

test('a doubled quote inside a single-quoted assertion counts as one character for columns', () => {
  const text = `${HEADER}assertions:\n  - 'from a/b to c/d:80 expect ''allow'''\n`;
  // The verdict starts at the doubled quote: col 5 is the opening quote, 6 is "f".
  assert.deepEqual(errorLines(text), [
    `5:32 BAD_GRAMMAR expected "allow" or "deny" after "expect", found "'allow'"`,
  ]);
});

test('a misspelt top-level key is reported once, not also as a suite with nothing to check', () => {
  assert.deepEqual(errorLines(`${HEADER}assertion: [from a/b to c/d expect allow]\n`), [
    '4:1 UNKNOWN_KEY unknown key "assertion" in the suite; expected one of: apiVersion, kind, metadata, defaults, setup, recipes, generate, assertions (did you mean "assertions"?)',
  ]);
});

test('a file with CRLF line ends reports the same lines and columns', () => {
  const text = `${HEADER}assertions:\n  - from a/b to c/d:0 expect allow\n`.replace(/\n/g, '\r\n');
  const { errors } = parseSuiteText(text, 'crlf.yaml');
  assert.deepEqual(
    errors.map((e) => [e.location.line, e.location.col, e.excerpt]),
    [[5, 21, '  5 |   - from a/b to c/d:0 expect allow\n    |                     ^']],
  );
});
