import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelSelector, SelectorRequirement } from '../../src/policy/selector.js';
import {
  parseAssertionLine,
  type AssertionLine,
  type EndpointSpec,
  type PodSpec,
} from '../../src/suite/index.js';

// Builders that keep the table readable; each returns plain EndpointSpec JSON.
const selector = (
  matchLabels: Record<string, string>,
  matchExpressions: SelectorRequirement[] = [],
): LabelSelector => ({ matchLabels, matchExpressions });
const labels = (
  matchLabels: Record<string, string>,
  matchExpressions: SelectorRequirement[] = [],
): PodSpec => ({
  kind: 'selector',
  selector: selector(matchLabels, matchExpressions),
});
const inNamespace = (name: string, pods: PodSpec): EndpointSpec => ({
  kind: 'pods',
  namespace: { kind: 'name', name },
  pods,
});
const all = { kind: 'all' as const };

/** §1 of the contract, one row per grammar form: the one-liner and what it parses to. */
const GRAMMAR: readonly { line: string; parsed: AssertionLine }[] = [
  {
    line: 'from default/app=bookstore to default/app=bookstore,role=api:8080 expect allow',
    parsed: {
      from: inNamespace('default', labels({ app: 'bookstore' })),
      to: inNamespace('default', labels({ app: 'bookstore', role: 'api' })),
      port: { kind: 'number', port: 8080 },
      expect: 'allow',
    },
  },
  {
    line: 'from {team=operations}/type=monitoring to default/app=web:http expect allow',
    parsed: {
      from: {
        kind: 'pods',
        namespace: { kind: 'selector', selector: selector({ team: 'operations' }) },
        pods: labels({ type: 'monitoring' }),
      },
      to: inNamespace('default', labels({ app: 'web' })),
      port: { kind: 'name', name: 'http' },
      expect: 'allow',
    },
  },
  {
    line: 'from */* to default/app=db expect deny',
    parsed: {
      from: { kind: 'pods', namespace: all, pods: all },
      to: inNamespace('default', labels({ app: 'db' })),
      expect: 'deny',
    },
  },
  {
    line: 'from {}/* to shop/* expect deny',
    parsed: {
      from: { kind: 'pods', namespace: all, pods: all },
      to: inNamespace('shop', all),
      expect: 'deny',
    },
  },
  {
    line: 'from shop/tier in (web, api),!canary,track!=beta to shop/app.kubernetes.io/name==db expect deny',
    parsed: {
      from: inNamespace(
        'shop',
        labels({}, [
          { key: 'tier', operator: 'In', values: ['web', 'api'] },
          { key: 'canary', operator: 'DoesNotExist', values: [] },
          { key: 'track', operator: 'NotIn', values: ['beta'] },
        ]),
      ),
      to: inNamespace('shop', labels({ 'app.kubernetes.io/name': 'db' })),
      expect: 'deny',
    },
  },
  {
    line: 'from {kubernetes.io/metadata.name=monitoring}/prometheus to shop/tier notin (db) expect allow',
    parsed: {
      from: {
        kind: 'pods',
        namespace: { kind: 'selector', selector: selector({ 'kubernetes.io/metadata.name': 'monitoring' }) },
        pods: labels({}, [{ key: 'prometheus', operator: 'Exists', values: [] }]),
      },
      to: inNamespace('shop', labels({}, [{ key: 'tier', operator: 'NotIn', values: ['db'] }])),
      expect: 'allow',
    },
  },
  {
    line: 'from pod:shop/checkout-0 to deploy:shop/web:8080/TCP expect allow',
    parsed: {
      from: { kind: 'pod', namespace: 'shop', name: 'checkout-0' },
      to: { kind: 'workload', workload: 'deploy', namespace: 'shop', name: 'web' },
      port: { kind: 'number', port: 8080 },
      protocol: 'TCP',
      expect: 'allow',
    },
  },
  {
    line: 'from sts:shop/db to ds:kube-system/node-exporter:metrics/Sctp expect deny',
    parsed: {
      from: { kind: 'workload', workload: 'sts', namespace: 'shop', name: 'db' },
      to: { kind: 'workload', workload: 'ds', namespace: 'kube-system', name: 'node-exporter' },
      port: { kind: 'name', name: 'metrics' },
      protocol: 'SCTP',
      expect: 'deny',
    },
  },
  {
    line: 'from node:ip-10-0-0-1.ec2.internal to svc:default/web:80 expect allow',
    parsed: {
      from: { kind: 'node', name: 'ip-10-0-0-1.ec2.internal' },
      to: { kind: 'service', namespace: 'default', name: 'web' },
      port: { kind: 'number', port: 80 },
      expect: 'allow',
    },
  },
  {
    line: 'from 198.51.100.7 to 203.0.113.0/24:443 expect deny',
    parsed: {
      from: { kind: 'address', address: '198.51.100.7', prefix: 32 },
      to: { kind: 'address', address: '203.0.113.0', prefix: 24 },
      port: { kind: 'number', port: 443 },
      expect: 'deny',
    },
  },
  {
    line: 'from shop/* to [FD00:0:0::1]:53/udp expect allow',
    parsed: {
      from: inNamespace('shop', all),
      to: { kind: 'address', address: 'fd00::1', prefix: 128 },
      port: { kind: 'number', port: 53 },
      protocol: 'UDP',
      expect: 'allow',
    },
  },
  {
    line: 'from 2001:db8::/32 to node:worker-1 expect deny',
    parsed: {
      from: { kind: 'address', address: '2001:db8::', prefix: 32 },
      to: { kind: 'node', name: 'worker-1' },
      expect: 'deny',
    },
  },
  {
    line: '  from\tshop/app=web   to   shop/app=db:5432   expect\tdeny  ',
    parsed: {
      from: inNamespace('shop', labels({ app: 'web' })),
      to: inNamespace('shop', labels({ app: 'db' })),
      port: { kind: 'number', port: 5432 },
      expect: 'deny',
    },
  },
];

for (const { line, parsed } of GRAMMAR) {
  test(`the one-liner "${line.trim()}" parses to its endpoints, port and verdict`, () => {
    assert.deepEqual(parseAssertionLine(line), { ok: true, value: parsed });
  });
}

/** Each malformed one-liner names what was expected, at the offending character. */
const MALFORMED: readonly { line: string; code: string; message: string; at: string }[] = [
  {
    line: '',
    code: 'BAD_GRAMMAR',
    message: 'expected an assertion "from SRC to DST[:PORT[/PROTO]] expect allow|deny", found nothing',
    at: '',
  },
  {
    line: 'frm a/b to c/d expect allow',
    code: 'BAD_GRAMMAR',
    message: 'expected "from" at the start of the assertion, found "frm"',
    at: 'frm',
  },
  {
    line: 'from a/b expect allow',
    code: 'BAD_GRAMMAR',
    message: 'expected "to" and a destination before "expect"',
    at: 'expect',
  },
  {
    line: 'from a/b',
    code: 'BAD_GRAMMAR',
    message: 'expected "to" and a destination after the source, found the end of the assertion',
    at: '',
  },
  {
    line: 'from to c/d expect deny',
    code: 'BAD_GRAMMAR',
    message: 'expected a source between "from" and "to"',
    at: 'to',
  },
  {
    line: 'from a/b to c/d',
    code: 'BAD_GRAMMAR',
    message: 'expected "expect allow" or "expect deny" after the destination, found the end of the assertion',
    at: '',
  },
  {
    line: 'from a/b to expect deny',
    code: 'BAD_GRAMMAR',
    message: 'expected a destination between "to" and "expect"',
    at: 'expect',
  },
  {
    line: 'from a/b to c/d expect',
    code: 'BAD_GRAMMAR',
    message: 'expected "allow" or "deny" after "expect", found the end of the assertion',
    at: '',
  },
  {
    line: 'from a/b to c/d expect Allow',
    code: 'BAD_GRAMMAR',
    message: 'expected "allow" or "deny" after "expect", found "Allow"',
    at: 'Allow',
  },
  {
    line: 'from a/b to c/d:0 expect deny',
    code: 'BAD_PORT',
    message: 'port 0 is out of range; expected 1..65535',
    at: '0 ',
  },
  {
    line: 'from a/b to c/d: expect deny',
    code: 'BAD_PORT',
    message: 'expected a port number or name after ":"',
    at: ' expect',
  },
  {
    line: 'from a/b to c/d:a-very-long-port-name expect deny',
    code: 'BAD_PORT',
    message:
      'port "a-very-long-port-name" is not a valid port; expected a number 1..65535 or a container port name (at most 15 lowercase letters, digits and "-", with at least one letter)',
    at: 'a-very',
  },
  {
    line: 'from a/b to c/d:80/ expect deny',
    code: 'BAD_PROTOCOL',
    message: 'expected "tcp", "udp" or "sctp" after "/", found nothing',
    at: ' expect',
  },
  {
    line: 'from a/b to pod:c expect deny',
    code: 'BAD_ENDPOINT',
    message: 'expected "pod:NAMESPACE/NAME", found "pod:c"',
    at: 'c expect',
  },
  {
    line: 'from a/b to pod:*/web expect deny',
    code: 'BAD_ENDPOINT',
    message: '"pod:" takes one namespace by name; found "*"',
    at: '*/web',
  },
  {
    line: 'from a/b to svc:c/9lives expect deny',
    code: 'BAD_ENDPOINT',
    message:
      'service name "9lives" is not valid; expected at most 63 lowercase letters, digits and "-", starting with a letter',
    at: '9lives',
  },
  {
    line: 'from node:Worker to c/d expect deny',
    code: 'BAD_ENDPOINT',
    message:
      'node name "Worker" is not valid; expected lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
    at: 'Worker',
  },
  {
    line: 'from /app=web to c/d expect deny',
    code: 'BAD_ENDPOINT',
    message: 'expected a namespace before "/": a name, "*" or "{selector}"',
    at: '/app',
  },
  {
    line: 'from a/ to c/d expect deny',
    code: 'BAD_ENDPOINT',
    message: 'expected pods after "a/": "*" or a label selector',
    at: ' to',
  },
  {
    line: 'from {team=ops to c/d expect deny',
    code: 'BAD_SELECTOR',
    message: '"{" is never closed; expected "}"',
    at: '{',
  },
  {
    line: 'from a/tier in (x to c/d expect deny',
    code: 'BAD_SELECTOR',
    message: '"(" is never closed; expected ")"',
    at: '(',
  },
  {
    line: 'from {team=ops}x/* to c/d expect deny',
    code: 'BAD_ENDPOINT',
    message: 'expected "/" after the namespace selector, found "x"',
    at: 'x/*',
  },
  {
    line: 'from {team in ops}/* to c/d expect deny',
    code: 'BAD_SELECTOR',
    message: 'expected "(" after "in", found "ops"',
    at: 'ops}',
  },
  {
    line: 'from a/app= to c/tier in (x y) expect deny',
    code: 'BAD_SELECTOR',
    message: 'expected "," or ")" in the value list of "in", found "y"',
    at: 'y)',
  },
  {
    line: 'from a/b to 10.0.0.256 expect deny',
    code: 'BAD_ADDRESS',
    message: '"10.0.0.256" is not an IPv4 address',
    at: '10.0',
  },
  {
    line: 'from a/b to [fd00::1 expect deny',
    code: 'BAD_ADDRESS',
    message: '"[" is never closed; expected "]"',
    at: '[',
  },
  {
    line: 'from a/b to [fd00::1) expect deny',
    code: 'BAD_ADDRESS',
    message: 'expected "]" to close the IPv6 address',
    at: ' expect',
  },
  {
    line: 'from a/b to [fd00::1]53 expect deny',
    code: 'BAD_ADDRESS',
    message: 'expected ":PORT" after "]", found "53"',
    at: '53',
  },
  {
    line: 'from a/b to [fd00::/129] expect deny',
    code: 'BAD_ADDRESS',
    message: 'CIDR prefix "/129" is out of range; expected /0../128',
    at: '129',
  },
  {
    line: 'from service:a/b to c/d expect deny',
    code: 'BAD_ENDPOINT',
    message:
      'unknown endpoint kind "service:" (did you mean "svc:"?); expected pod:, deploy:, sts:, ds:, svc: or node:, or NAMESPACE/PODS, an IP or a CIDR',
    at: 'service',
  },
  {
    line: 'from a/b to c/d expect allow now',
    code: 'BAD_GRAMMAR',
    message: 'unexpected "now" after "expect allow"; expected the end of the assertion',
    at: 'now',
  },
];

for (const { line, code, message, at } of MALFORMED) {
  test(`the one-liner "${line}" is refused with ${code} at the offending character`, () => {
    // `at` is the text from the offending character on; an empty `at` means the end of the line.
    const offset = at === '' ? line.length : line.lastIndexOf(at);
    assert.deepEqual(parseAssertionLine(line), { ok: false, problems: [{ code, message, offset }] });
  });
}

test('problems in the source, the destination and the verdict are all reported at once', () => {
  const result = parseAssertionLine('from svc:a/b to c/d:99999 expect maybe');
  assert.equal(result.ok, false);
  assert.deepEqual(!result.ok && result.problems.map((p) => [p.code, p.offset]), [
    ['BAD_ENDPOINT', 5],
    ['BAD_PORT', 20],
    ['BAD_GRAMMAR', 33],
  ]);
});

test('keywords inside brackets do not split the assertion', () => {
  const result = parseAssertionLine('from a/k in (to, expect) to b/* expect allow');
  assert.ok(result.ok);
  assert.deepEqual(
    result.value.from,
    inNamespace('a', labels({}, [{ key: 'k', operator: 'In', values: ['to', 'expect'] }])),
  );
});
