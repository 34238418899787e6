/**
 * The seven peer cases (cyclonus pkg/matcher/podpeermatcher.go) and the AND/OR trap.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
import type { NetworkPolicyPeerManifest } from '../../src/policy/index.js';
import { manifest, specTable } from './fixtures.js';

/** Ingress to x/a from `peers` only. */
const allowFrom = (...peers: NetworkPolicyPeerManifest[]) =>
  manifest('allow-from', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: peers }] });

const podB = { matchLabels: { pod: 'b' } };
const teamOps = { matchLabels: { team: 'ops' } };

specTable([
  {
    rule: 'peer case 1: podSelector {} alone means all pods in the policy namespace',
    policies: [allowFrom({ podSelector: {} })],
    from: 'x/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 1: podSelector {} alone excludes pods of other namespaces',
    policies: [allowFrom({ podSelector: {} })],
    from: 'y/c',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 2: namespaceSelector {} means all pods in all namespaces',
    policies: [allowFrom({ namespaceSelector: {} })],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 3: namespaceSelector by label means all pods in matching namespaces',
    policies: [allowFrom({ namespaceSelector: teamOps })],
    from: 'y/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 3: namespaceSelector by label excludes other namespaces, the own one included',
    policies: [allowFrom({ namespaceSelector: teamOps })],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 4: podSelector by label means matching pods in the policy namespace',
    policies: [allowFrom({ podSelector: podB })],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 4: podSelector by label does not reach matching pods in other namespaces',
    policies: [allowFrom({ podSelector: podB })],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 5: podSelector with namespaceSelector {} means matching pods in all namespaces',
    policies: [allowFrom({ podSelector: podB, namespaceSelector: {} })],
    from: 'z/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 5: podSelector with namespaceSelector {} still needs the pod labels',
    policies: [allowFrom({ podSelector: podB, namespaceSelector: {} })],
    from: 'z/c',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 6: namespaceSelector and podSelector in one peer: pods matching both (AND)',
    policies: [allowFrom({ podSelector: podB, namespaceSelector: teamOps })],
    from: 'y/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 6: AND excludes a matching pod in a namespace that does not match',
    policies: [allowFrom({ podSelector: podB, namespaceSelector: teamOps })],
    from: 'z/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 6: AND excludes a non-matching pod in a matching namespace',
    policies: [allowFrom({ podSelector: podB, namespaceSelector: teamOps })],
    from: 'y/c',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'two peer entries are OR: a non-matching pod in a matching namespace is allowed',
    policies: [allowFrom({ namespaceSelector: teamOps }, { podSelector: podB })],
    from: 'y/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'two peer entries are OR: a matching pod in the policy namespace is allowed',
    policies: [allowFrom({ namespaceSelector: teamOps }, { podSelector: podB })],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'two peer entries are OR: neither entry matching is denied',
    policies: [allowFrom({ namespaceSelector: teamOps }, { podSelector: podB })],
    from: 'z/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peer case 7: `from: []` means every source',
    policies: [manifest('p', { podSelector: {}, ingress: [{ from: [] }] })],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peer case 7: `from` absent means every source, an outside address too',
    policies: [manifest('p', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })],
    from: '203.0.113.9',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'every namespace carries kubernetes.io/metadata.name, so a namespace can be selected by name',
    policies: [allowFrom({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } })],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'a NotIn podSelector matches pods that lack the key',
    policies: [
      allowFrom({ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['db'] }] } }),
    ],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'a NotIn namespaceSelector matches namespaces that lack the key',
    policies: [
      allowFrom({
        namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['ops'] }] },
      }),
    ],
    from: 'z/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'a NotIn namespaceSelector excludes namespaces with a listed value',
    policies: [
      allowFrom({
        namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['ops'] }] },
      }),
    ],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'egress peers select destinations the same way (namespaceSelector AND podSelector)',
    policies: [
      manifest('egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: podB, namespaceSelector: teamOps }] }],
      }),
    ],
    from: 'x/a',
    to: 'y/b',
    allowed: true,
  },
  {
    rule: 'egress peers deny destinations no peer matches',
    policies: [
      manifest('egress', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: podB, namespaceSelector: teamOps }] }],
      }),
    ],
    from: 'x/a',
    to: 'x/b',
    allowed: false,
  },
  {
    rule: 'a pod selector never matches an outside address, even namespaceSelector {}',
    policies: [allowFrom({ namespaceSelector: {} })],
    from: '203.0.113.9',
    to: 'x/a',
    allowed: false,
  },
]);
