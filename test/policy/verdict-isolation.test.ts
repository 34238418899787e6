/**
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
import { manifest, specTable } from './fixtures.js';

const denyAllIngress = manifest('deny-all-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const denyAllEgress = manifest('deny-all-egress', { podSelector: {}, policyTypes: ['Egress'] });
const allowFromB = manifest('allow-from-b', {
  podSelector: { matchLabels: { pod: 'a' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
});
const allowFromC = manifest('allow-from-c', {
  podSelector: { matchLabels: { pod: 'a' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }],
});

specTable([
  {
    rule: 'by default a pod is non-isolated and all traffic is allowed',
    policies: [],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'a pod selected by a policy with Ingress is isolated for ingress',
    policies: [denyAllIngress],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'an ingress-isolated pod may still send (egress is not isolated)',
    policies: [denyAllIngress],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'a policy selects pods in its own namespace only',
    policies: [denyAllIngress],
    from: 'x/b',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'a pod not matched by the podSelector is not isolated',
    policies: [allowFromB],
    from: 'x/c',
    to: 'x/b',
    allowed: true,
  },
  {
    rule: '`ingress: []` isolates and allows nothing',
    policies: [manifest('p', { podSelector: {}, ingress: [] })],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'no ingress key (policyTypes defaulted to Ingress) isolates and allows nothing, like `ingress: []`',
    policies: [manifest('p', { podSelector: {} })],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: '`ingress: [{}]` allows all ingress',
    policies: [denyAllIngress, manifest('allow-all', { podSelector: {}, ingress: [{}] })],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'a pod selected by a policy with Egress is isolated for egress',
    policies: [denyAllEgress],
    from: 'x/a',
    to: 'x/b',
    allowed: false,
  },
  {
    rule: 'an egress-only policy leaves ingress to its pods open',
    policies: [denyAllEgress],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: '`egress: []` without policyTypes does not isolate egress',
    policies: [manifest('p', { podSelector: {}, egress: [] })],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: '`egress: [{}]` with policyTypes [Egress] allows all egress',
    policies: [
      denyAllEgress,
      manifest('allow-all-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
    ],
    from: 'x/a',
    to: 'z/b',
    allowed: true,
  },
  {
    rule: 'policies are additive: traffic allowed by any one selecting policy is allowed (first policy)',
    policies: [allowFromB, allowFromC],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'policies are additive: traffic allowed by any one selecting policy is allowed (second policy)',
    policies: [allowFromB, allowFromC],
    from: 'x/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'policies are additive: a deny-all policy does not take away what another policy allows',
    policies: [denyAllIngress, allowFromB],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'traffic no selecting policy allows is denied, however many policies there are',
    policies: [allowFromB, allowFromC],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'a connection needs the source egress AND the destination ingress: egress denies',
    policies: [denyAllEgress, manifest('ingress-open', { podSelector: {}, ingress: [{}] }, 'y')],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'a connection needs the source egress AND the destination ingress: ingress denies',
    policies: [
      manifest('egress-open', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
      manifest('deny', { podSelector: {} }, 'y'),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'a connection needs the source egress AND the destination ingress: both allow',
    policies: [
      manifest('egress-to-y', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }],
      }),
      manifest(
        'ingress-from-x',
        { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } } }] }] },
        'y',
      ),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'a pod talking to itself is still subject to its own policies',
    policies: [denyAllIngress],
    from: 'x/a',
    to: 'x/a',
    allowed: false,
  },
]);
