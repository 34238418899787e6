/**
 * "Traffic to and from the node where a Pod is running is always allowed, regardless of
 * the IP address of the Pod or the node"; hostNetwork pods are not selected by policies.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
 * x/a and x/b run on node-1 (172.18.0.1, fd00:18::1), x/c on node-2 (172.18.0.2);
 * kube-system/agent is hostNetwork on node-1, kube-system/agent-2 on node-2.
 */
import { manifest, specTable } from './fixtures.js';

const denyIngress = manifest('deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgress = manifest('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });

specTable([
  {
    rule: "ingress from the pod's own node address is always allowed",
    policies: [denyIngress],
    from: '172.18.0.1',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: "ingress from the pod's own node over IPv6 is always allowed",
    policies: [denyIngress],
    from: 'fd00:18::1',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'ingress from another node is subject to policy',
    policies: [denyIngress],
    from: '172.18.0.2',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: "a node is only its own pods' node: node-1 to a pod on node-2 is subject to policy",
    policies: [denyIngress],
    from: '172.18.0.1',
    to: 'x/c',
    allowed: false,
  },
  {
    rule: "ingress from a hostNetwork pod on the pod's own node is always allowed",
    policies: [denyIngress],
    from: 'kube-system/agent',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'ingress from a hostNetwork pod on another node is subject to policy',
    policies: [denyIngress],
    from: 'kube-system/agent-2',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'egress from a pod to its own node is always allowed',
    policies: [denyEgress],
    from: 'x/a',
    to: '172.18.0.1',
    allowed: true,
  },
  {
    rule: 'egress from a pod to another node is subject to policy',
    policies: [denyEgress],
    from: 'x/a',
    to: '172.18.0.2',
    allowed: false,
  },
  {
    rule: 'egress to a hostNetwork pod on the own node is always allowed',
    policies: [denyEgress],
    from: 'x/a',
    to: 'kube-system/agent',
    allowed: true,
  },
  {
    rule: 'egress to a hostNetwork pod on another node is subject to policy',
    policies: [denyEgress],
    from: 'x/a',
    to: 'kube-system/agent-2',
    allowed: false,
  },
  {
    rule: 'a hostNetwork pod is never selected by a policy, even one that matches its labels',
    policies: [
      manifest(
        'deny-agents',
        { podSelector: { matchLabels: { app: 'agent' } }, policyTypes: ['Ingress', 'Egress'] },
        'kube-system',
      ),
    ],
    from: 'y/a',
    to: 'kube-system/agent-2',
    allowed: true,
  },
  {
    rule: 'a pod selector does not match a hostNetwork pod (it counts as its node)',
    policies: [
      manifest('from-agents', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'agent' } } }] }],
      }),
    ],
    from: 'kube-system/agent-2',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'an ipBlock matches a node address',
    policies: [
      manifest('from-nodes', {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.0/24' } }] }],
      }),
    ],
    from: '172.18.0.2',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: "an ipBlock matches a hostNetwork pod by its node's address",
    policies: [
      manifest('from-nodes', {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '172.18.0.2/32' } }] }],
      }),
    ],
    from: 'kube-system/agent-2',
    to: 'x/a',
    allowed: true,
  },
]);
