/** Peers of cluster policy rules: namespaces, pods, and for egress networks, nodes and domainNames. */
import {
  ALL_NAMESPACES,
  anp,
  banp,
  cnp,
  inNamespace,
  podIn,
  rule,
  tierTable,
} from './cluster-policy-fixtures.js';

const denyFrom = (peers: Record<string, unknown>[]) =>
  anp('deny-from', 10, { subject: inNamespace('x'), ingress: [rule('Deny', peers)] });
const denyTo = (peers: Record<string, unknown>[], extra = {}) =>
  cnp('deny-to', 'Admin', 10, { subject: inNamespace('x'), egress: [rule('Deny', peers, extra, 'egress')] });

tierTable([
  {
    rule: 'peers: a namespaces peer matches every pod of the selected namespaces',
    clusterPolicies: [denyFrom([inNamespace('y')])],
    from: 'y/c',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peers: a namespaces peer does not match pods of other namespaces',
    clusterPolicies: [denyFrom([inNamespace('y')])],
    from: 'z/c',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peers: a pods peer matches a pod of a selected namespace with the selected labels',
    clusterPolicies: [denyFrom([podIn('y', 'b')])],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'peers: a pods peer needs both selectors to match (right labels, wrong namespace)',
    clusterPolicies: [denyFrom([podIn('y', 'b')])],
    from: 'z/b',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peers: a pods peer never matches a host-network pod',
    clusterPolicies: [denyFrom([{ pods: { namespaceSelector: {}, podSelector: {} } }])],
    from: 'kube-system/agent',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peers: a namespaces peer never matches a host-network pod',
    clusterPolicies: [denyFrom([ALL_NAMESPACES])],
    from: 'kube-system/agent-2',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peers: ingress from an outside address matches no namespaces peer',
    clusterPolicies: [denyFrom([ALL_NAMESPACES])],
    from: '192.0.2.7',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'peers: a pod reached by its IP address counts as the pod for a pods peer',
    clusterPolicies: [denyTo([podIn('y', 'a')])],
    from: 'x/a',
    to: '10.0.2.1',
    allowed: false,
  },
  {
    rule: 'peers: the peers of a rule are ORed, any one matches',
    clusterPolicies: [denyFrom([inNamespace('z'), podIn('y', 'c')])],
    from: 'y/c',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'networks (egress): a CIDR matches an outside address inside it',
    clusterPolicies: [denyTo([{ networks: ['192.0.2.0/24'] }])],
    from: 'x/a',
    to: '192.0.2.44',
    allowed: false,
    egressBy: 'Admin',
  },
  {
    rule: 'networks (egress): a CIDR does not match an address outside it',
    clusterPolicies: [denyTo([{ networks: ['192.0.2.0/24'] }])],
    from: 'x/a',
    to: '198.51.100.1',
    allowed: true,
  },
  {
    rule: 'networks (egress): a CIDR matches in-cluster pod addresses too',
    clusterPolicies: [denyTo([{ networks: ['10.0.3.0/24'] }])],
    from: 'x/a',
    to: 'z/b',
    allowed: false,
  },
  {
    rule: 'networks (egress): a CIDR matches a pod reached by its IP address',
    clusterPolicies: [denyTo([{ networks: ['10.0.2.1/32'] }])],
    from: 'x/a',
    to: '10.0.2.1',
    allowed: false,
  },
  {
    rule: 'networks (egress): a CIDR matches node addresses too',
    clusterPolicies: [denyTo([{ networks: ['172.18.0.0/16'] }])],
    from: 'x/a',
    to: '172.18.0.2',
    allowed: false,
  },
  {
    rule: 'networks (egress): an IPv6 CIDR matches IPv6 destinations',
    clusterPolicies: [denyTo([{ networks: ['2001:db8::/32'] }])],
    from: 'x/a',
    to: '2001:db8::9',
    allowed: false,
  },
  {
    rule: 'networks (egress): an IPv4 CIDR does not match IPv6 traffic',
    clusterPolicies: [denyTo([{ networks: ['0.0.0.0/0'] }])],
    from: 'x/a',
    to: 'fd00::2:1',
    allowed: true,
  },
  {
    rule: 'networks (egress): a Deny of 0.0.0.0/0 denies IPv4 pod-to-pod traffic as well',
    clusterPolicies: [denyTo([{ networks: ['0.0.0.0/0'] }])],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'networks (egress): a Pass of pod traffic before a 0.0.0.0/0 Deny keeps pod-to-pod traffic (the spec advice)',
    clusterPolicies: [
      cnp('guard', 'Admin', 10, {
        subject: inNamespace('x'),
        egress: [
          rule('Pass', [ALL_NAMESPACES], {}, 'egress'),
          rule('Deny', [{ networks: ['0.0.0.0/0'] }], {}, 'egress'),
        ],
      }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'networks (egress): the Pass of pod traffic does not cover outside addresses',
    clusterPolicies: [
      cnp('guard', 'Admin', 10, {
        subject: inNamespace('x'),
        egress: [
          rule('Pass', [ALL_NAMESPACES], {}, 'egress'),
          rule('Deny', [{ networks: ['0.0.0.0/0'] }], {}, 'egress'),
        ],
      }),
    ],
    from: 'x/a',
    to: '203.0.113.5',
    allowed: false,
  },
  {
    rule: 'nodes (egress): a nodes peer matches the addresses of nodes with the selected labels',
    clusterPolicies: [denyTo([{ nodes: { matchLabels: { role: 'control-plane' } } }])],
    from: 'x/a',
    to: '172.18.0.1',
    allowed: false,
  },
  {
    rule: 'nodes (egress): a nodes peer does not match nodes without the labels',
    clusterPolicies: [denyTo([{ nodes: { matchLabels: { role: 'control-plane' } } }])],
    from: 'x/a',
    to: '172.18.0.2',
    allowed: true,
  },
  {
    rule: 'nodes (egress): an empty nodes selector matches every node',
    clusterPolicies: [denyTo([{ nodes: {} }])],
    from: 'x/a',
    to: 'fd00:18::2',
    allowed: false,
  },
  {
    rule: 'nodes (egress): a nodes peer matches a host-network pod on a selected node',
    clusterPolicies: [denyTo([{ nodes: { matchLabels: { role: 'control-plane' } } }])],
    from: 'x/a',
    to: 'kube-system/agent',
    allowed: false,
  },
  {
    rule: 'nodes (egress): a nodes peer never matches pods on the pod network',
    clusterPolicies: [denyTo([{ nodes: {} }])],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'nodes (egress): a nodes peer does not match outside addresses',
    clusterPolicies: [denyTo([{ nodes: {} }])],
    from: 'x/a',
    to: '192.0.2.1',
    allowed: true,
  },
  {
    rule: 'domainNames (egress): names cannot be resolved offline, so the peer matches nothing',
    clusterPolicies: [
      anp('fqdn', 1, {
        subject: inNamespace('x'),
        egress: [rule('Allow', [{ domainNames: ['*.example.com'] }], {}, 'egress')],
      }),
      denyTo([{ networks: ['0.0.0.0/0'] }]),
    ],
    from: 'x/a',
    to: '192.0.2.1',
    allowed: false,
  },
  {
    rule: 'BANP peers: a Baseline egress networks peer matches like an Admin one',
    clusterPolicies: [
      banp({
        subject: inNamespace('x'),
        egress: [rule('Deny', [{ networks: ['192.0.2.0/24'] }], {}, 'egress')],
      }),
    ],
    from: 'x/b',
    to: '192.0.2.1',
    allowed: false,
    egressBy: 'Baseline',
  },
]);
