/** https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkPolicyPortManifest } from '../../src/policy/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import { cluster, manifest, pod, podNamed, PODS, policy, specTable } from './fixtures.js';

/** Ingress to every pod of x on `ports` only, from any peer. */
const onPorts = (...ports: NetworkPolicyPortManifest[]) =>
  manifest('on-ports', { podSelector: {}, ingress: [{ ports }] });
/** Egress from every pod of x on `ports` only, to any peer. */
const egressOn = (...ports: NetworkPolicyPortManifest[]) =>
  manifest('egress-on-ports', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports }] });

specTable([
  {
    rule: '`ports: [{}]` admits every TCP port',
    policies: [onPorts({})],
    from: 'y/a',
    to: 'x/a',
    port: 12345,
    allowed: true,
  },
  {
    rule: '`ports: [{}]` is not every port: UDP is denied',
    policies: [onPorts({})],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    rule: '`ports: [{}]` is not every port: SCTP is denied',
    policies: [onPorts({})],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    protocol: 'SCTP',
    allowed: false,
  },
  {
    rule: 'a rule without ports admits every port of every protocol',
    policies: [manifest('p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: true,
  },
  {
    rule: 'a protocol without a port admits every port of that protocol',
    policies: [onPorts({ protocol: 'UDP' })],
    from: 'y/a',
    to: 'x/a',
    port: 5353,
    protocol: 'UDP',
    allowed: true,
  },
  {
    rule: 'a numbered port admits that port',
    policies: [onPorts({ port: 80 })],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  {
    rule: 'a numbered port denies other ports',
    policies: [onPorts({ port: 80 })],
    from: 'y/a',
    to: 'x/a',
    port: 81,
    allowed: false,
  },
  {
    rule: 'a numbered port is TCP unless stated: UDP on that number is denied',
    policies: [onPorts({ port: 53 })],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    rule: 'endPort admits the first port of the range',
    policies: [onPorts({ port: 8000, endPort: 8100 })],
    from: 'y/a',
    to: 'x/a',
    port: 8000,
    allowed: true,
  },
  {
    rule: 'endPort admits the last port of the range (inclusive)',
    policies: [onPorts({ port: 8000, endPort: 8100 })],
    from: 'y/a',
    to: 'x/a',
    port: 8100,
    allowed: true,
  },
  {
    rule: 'endPort denies the port after the range',
    policies: [onPorts({ port: 8000, endPort: 8100 })],
    from: 'y/a',
    to: 'x/a',
    port: 8101,
    allowed: false,
  },
  {
    rule: 'endPort denies the port before the range',
    policies: [onPorts({ port: 8000, endPort: 8100 })],
    from: 'y/a',
    to: 'x/a',
    port: 7999,
    allowed: false,
  },
  {
    rule: 'endPort ranges keep their protocol: UDP inside a TCP range is denied',
    policies: [onPorts({ port: 8000, endPort: 8100 })],
    from: 'y/a',
    to: 'x/a',
    port: 8050,
    protocol: 'UDP',
    allowed: false,
  },
  {
    rule: 'a named port admits the destination container port of that name',
    policies: [onPorts({ port: 'http' })],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  {
    rule: 'a named port does not admit another port number',
    policies: [onPorts({ port: 'http' })],
    from: 'y/a',
    to: 'x/a',
    port: 9090,
    allowed: false,
  },
  {
    rule: 'a named port declared with another protocol does not match (dns is UDP, the rule TCP)',
    policies: [onPorts({ port: 'dns' })],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'TCP',
    allowed: false,
  },
  {
    rule: 'a named port matches when the rule protocol is the declared one',
    policies: [onPorts({ port: 'dns', protocol: 'UDP' })],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: true,
  },
  {
    rule: 'a named port no container declares matches nothing',
    policies: [onPorts({ port: 'grpc' })],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: false,
  },
  {
    rule: 'in egress rules a named port resolves on the destination pod',
    policies: [egressOn({ port: 'metrics' })],
    from: 'x/a',
    to: 'y/a',
    port: 9090,
    allowed: true,
  },
  {
    rule: 'a named port never matches an address destination',
    policies: [egressOn({ port: 'http' })],
    from: 'x/a',
    to: '203.0.113.9',
    port: 80,
    allowed: false,
  },
  {
    rule: 'any of several ports admits',
    policies: [onPorts({ port: 443 }, { port: 'metrics' })],
    from: 'y/a',
    to: 'x/a',
    port: 9090,
    allowed: true,
  },
  {
    rule: 'ports and peers of one rule must both match',
    policies: [
      manifest('p', {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 80 }] }],
      }),
    ],
    from: 'x/b',
    to: 'x/a',
    port: 9090,
    allowed: false,
  },
  {
    rule: 'ports of one rule do not carry over to a peer of another rule',
    policies: [
      manifest('p', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { pod: 'b' } } }], ports: [{ port: 80 }] },
          { from: [{ podSelector: { matchLabels: { pod: 'c' } } }], ports: [{ port: 9090 }] },
        ],
      }),
    ],
    from: 'x/b',
    to: 'x/a',
    port: 9090,
    allowed: false,
  },
]);

test('spec: a named port resolves per destination pod, so one rule admits different numbers on different pods', () => {
  const web8080 = pod(
    'x',
    'alt',
    { pod: 'alt' },
    { ips: ['10.0.1.50'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
  );
  const engine = new PolicyEngine(
    cluster([policy(manifest('p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }))], {
      pods: [...PODS, web8080],
    }),
  );
  const from = { kind: 'pod', pod: podNamed('y/a') } as const;
  assert.equal(
    engine.allows({ source: from, destination: { kind: 'pod', pod: web8080 }, port: 8080, protocol: 'TCP' }),
    true,
  );
  assert.equal(
    engine.allows({ source: from, destination: { kind: 'pod', pod: web8080 }, port: 80, protocol: 'TCP' }),
    false,
  );
  assert.equal(
    engine.allows({
      source: from,
      destination: { kind: 'pod', pod: podNamed('x/a') },
      port: 80,
      protocol: 'TCP',
    }),
    true,
  );
});
