/**
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource (ipBlock)
 * Pod IPs: x/a 10.0.1.1 fd00::1:1, x/b 10.0.1.2, y/a 10.0.2.1, z/c 10.0.3.3 fd00::3:3.
 */
import type { NetworkPolicyPeerManifest } from '../../src/policy/index.js';
import { manifest, specTable } from './fixtures.js';

const ingressFrom = (...peers: NetworkPolicyPeerManifest[]) =>
  manifest('ingress-from', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: peers }] });
const egressTo = (...peers: NetworkPolicyPeerManifest[]) =>
  manifest('egress-to', {
    podSelector: { matchLabels: { pod: 'a' } },
    policyTypes: ['Egress'],
    egress: [{ to: peers }],
  });

const docs = { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } };
const docs6 = { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:bad::/48'] } };

specTable([
  {
    rule: 'ipBlock admits an outside source inside the cidr',
    policies: [ingressFrom(docs)],
    from: '203.0.113.9',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'ipBlock denies an outside source outside the cidr',
    policies: [ingressFrom(docs)],
    from: '198.51.100.9',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'ipBlock except (IPv4) carves addresses out of the cidr',
    policies: [ingressFrom(docs)],
    from: '203.0.113.200',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'ipBlock egress admits a destination inside the cidr',
    policies: [egressTo(docs)],
    from: 'x/a',
    to: '203.0.113.127',
    allowed: true,
  },
  {
    rule: 'ipBlock egress except (IPv4) denies the carved-out destination',
    policies: [egressTo(docs)],
    from: 'x/a',
    to: '203.0.113.128',
    allowed: false,
  },
  {
    rule: 'ipBlock IPv6 admits a destination inside the cidr',
    policies: [egressTo(docs6)],
    from: 'x/a',
    to: '2001:db8:1::1',
    allowed: true,
  },
  {
    rule: 'ipBlock except (IPv6) denies the carved-out destination',
    policies: [egressTo(docs6)],
    from: 'x/a',
    to: '2001:DB8:BAD::1',
    allowed: false,
  },
  {
    rule: 'an IPv4 ipBlock does not match IPv6 traffic',
    policies: [egressTo(docs)],
    from: 'x/a',
    to: '2001:db8::1',
    allowed: false,
  },
  {
    rule: 'an IPv4 ipBlock does not match an IPv4-mapped IPv6 address',
    policies: [egressTo(docs)],
    from: 'x/a',
    to: '::ffff:203.0.113.9',
    allowed: false,
  },
  {
    rule: 'ipBlock 0.0.0.0/0 admits every IPv4 destination',
    policies: [egressTo({ ipBlock: { cidr: '0.0.0.0/0' } })],
    from: 'x/a',
    to: '8.8.8.8',
    allowed: true,
  },
  {
    rule: 'ipBlock matches pod IPs too (chosen: as Calico does), so a pod inside the cidr is admitted',
    policies: [ingressFrom({ ipBlock: { cidr: '10.0.2.0/24' } })],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'ipBlock except excludes a pod IP as it excludes any address',
    policies: [ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.2.0/24'] } })],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'an IPv6 ipBlock matches a dual-stack pod reached over IPv6',
    policies: [egressTo({ ipBlock: { cidr: 'fd00::3:0/112' } })],
    from: 'x/a',
    to: 'fd00::3:3',
    allowed: true,
  },
  {
    rule: 'an address that is a pod IP counts as that pod: pod selectors match it',
    policies: [
      egressTo({
        podSelector: { matchLabels: { pod: 'c' } },
        namespaceSelector: { matchLabels: { ns: 'z' } },
      }),
    ],
    from: 'x/a',
    to: '10.0.3.3',
    allowed: true,
  },
  {
    rule: 'an address that is a pod IP counts as that pod: its own ingress policies apply',
    policies: [manifest('deny', { podSelector: {} }, 'z')],
    from: 'x/a',
    to: '10.0.3.3',
    allowed: false,
  },
  {
    rule: 'an address that is an IPv6 pod IP counts as that pod too',
    policies: [egressTo({ podSelector: { matchLabels: { pod: 'b' } } })],
    from: 'x/a',
    to: 'fd00::1:2',
    allowed: true,
  },
  {
    rule: 'an outside source is not isolated: egress from it is never denied by policy',
    policies: [egressTo(docs), manifest('deny-all-egress', { podSelector: {}, policyTypes: ['Egress'] })],
    from: '203.0.113.9',
    to: 'y/a',
    allowed: true,
  },
]);
