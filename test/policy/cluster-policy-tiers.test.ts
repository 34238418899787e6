/**
 * The tiers in their order: Admin, then NetworkPolicy, then Baseline, then allow; Pass
 * hands over to the next tier; source egress and destination ingress must both allow.
 */
import { manifest } from './fixtures.js';
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

/** x/a admits ingress from x/b only. */
const webAllowsB = manifest('web', {
  podSelector: { matchLabels: { pod: 'a' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
});
const denyEgressX = manifest('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const adminIngress = (action: string, peers = [ALL_NAMESPACES]) =>
  anp(`admin-${action.toLowerCase()}`, 10, { subject: podIn('x', 'a'), ingress: [rule(action, peers)] });
const baselineIngress = (action: string) =>
  banp({ subject: ALL_NAMESPACES, ingress: [rule(action, [ALL_NAMESPACES])] });

tierTable([
  {
    rule: 'tiers: an Admin Deny overrides a NetworkPolicy allow',
    networkPolicies: [webAllowsB],
    clusterPolicies: [adminIngress('Deny')],
    from: 'x/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'Admin',
  },
  {
    rule: 'tiers: an Admin Allow overrides a NetworkPolicy that isolates and admits nothing',
    networkPolicies: [webAllowsB],
    clusterPolicies: [adminIngress('Allow')],
    from: 'y/c',
    to: 'x/a',
    allowed: true,
    ingressBy: 'Admin',
  },
  {
    rule: 'tiers: an Admin Pass hands over to the NetworkPolicy tier, which allows',
    networkPolicies: [webAllowsB],
    clusterPolicies: [adminIngress('Pass'), baselineIngress('Deny')],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'tiers: an Admin Pass hands over to the NetworkPolicy tier, which denies',
    networkPolicies: [webAllowsB],
    clusterPolicies: [adminIngress('Pass')],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'tiers: an Admin Pass for a pod no NetworkPolicy isolates goes on to the Baseline tier',
    clusterPolicies: [adminIngress('Pass'), baselineIngress('Deny')],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'Baseline',
  },
  {
    rule: 'tiers: when no Admin rule matches, the NetworkPolicy tier decides',
    networkPolicies: [webAllowsB],
    clusterPolicies: [adminIngress('Deny', [inNamespace('z')])],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'tiers: a Baseline Deny applies where no NetworkPolicy isolates the pod',
    clusterPolicies: [baselineIngress('Deny')],
    from: 'y/b',
    to: 'x/c',
    allowed: false,
    ingressBy: 'Baseline',
  },
  {
    rule: 'tiers: a Baseline Deny does not apply where a NetworkPolicy isolates the pod',
    networkPolicies: [webAllowsB],
    clusterPolicies: [baselineIngress('Deny')],
    from: 'x/b',
    to: 'x/a',
    allowed: true,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'tiers: a Baseline Allow does not override a NetworkPolicy that isolates the pod',
    networkPolicies: [webAllowsB],
    clusterPolicies: [baselineIngress('Allow')],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'tiers: a Baseline Allow allows where no other tier decided',
    clusterPolicies: [adminIngress('Deny', [inNamespace('z')]), baselineIngress('Allow')],
    from: 'y/b',
    to: 'x/a',
    allowed: true,
    ingressBy: 'Baseline',
  },
  {
    rule: 'tiers: a NetworkPolicy isolating egress only leaves ingress to the Baseline tier',
    networkPolicies: [manifest('egress-only', { podSelector: {}, policyTypes: ['Egress'] }, 'y')],
    clusterPolicies: [baselineIngress('Deny')],
    from: 'x/b',
    to: 'y/a',
    allowed: false,
    ingressBy: 'Baseline',
  },
  {
    rule: 'tiers: Baseline CNPs are evaluated by priority within the Baseline tier',
    clusterPolicies: [
      cnp('later', 'Baseline', 50, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
      cnp('sooner', 'Baseline', 5, { subject: ALL_NAMESPACES, ingress: [rule('Accept', [ALL_NAMESPACES])] }),
    ],
    from: 'x/b',
    to: 'y/a',
    allowed: true,
    ingressBy: 'Baseline',
  },
  {
    rule: 'tiers: Baseline CNPs come before the v1alpha1 BANP, which has no priority',
    clusterPolicies: [
      baselineIngress('Deny'),
      cnp('base', 'Baseline', 1000, {
        subject: ALL_NAMESPACES,
        ingress: [rule('Accept', [inNamespace('x')])],
      }),
    ],
    from: 'x/b',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'tiers: a v1alpha2 Baseline Pass ends the Baseline tier, and the default allows',
    clusterPolicies: [
      cnp('pass', 'Baseline', 1, { subject: ALL_NAMESPACES, ingress: [rule('Pass', [inNamespace('x')])] }),
      cnp('deny', 'Baseline', 2, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/b',
    to: 'y/a',
    allowed: true,
    ingressBy: 'default',
  },
  {
    rule: 'tiers: when no tier decides, traffic is allowed (the Kubernetes default)',
    clusterPolicies: [adminIngress('Deny', [inNamespace('z')])],
    from: 'y/b',
    to: 'x/a',
    allowed: true,
    ingressBy: 'default',
  },
  {
    rule: 'both sides: an Admin egress Accept on the source does not override an Admin ingress Deny on the destination',
    clusterPolicies: [
      cnp('out', 'Admin', 1, {
        subject: inNamespace('y'),
        egress: [rule('Accept', [ALL_NAMESPACES], {}, 'egress')],
      }),
      adminIngress('Deny'),
    ],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    egressBy: 'Admin',
    ingressBy: 'Admin',
  },
  {
    rule: 'both sides: an Admin egress Deny on the source denies what the destination would accept',
    clusterPolicies: [
      cnp('out', 'Admin', 1, {
        subject: inNamespace('y'),
        egress: [rule('Deny', [inNamespace('x')], {}, 'egress')],
      }),
      adminIngress('Allow'),
    ],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    egressBy: 'Admin',
  },
  {
    rule: 'both sides: an Admin egress Accept does not override a NetworkPolicy ingress deny on the destination',
    networkPolicies: [webAllowsB],
    clusterPolicies: [
      cnp('out', 'Admin', 1, {
        subject: inNamespace('y'),
        egress: [rule('Accept', [ALL_NAMESPACES], {}, 'egress')],
      }),
    ],
    from: 'y/b',
    to: 'x/a',
    allowed: false,
    ingressBy: 'NetworkPolicy',
  },
  {
    rule: 'both sides: an Admin ingress Accept does not override a NetworkPolicy egress deny on the source',
    networkPolicies: [denyEgressX],
    clusterPolicies: [
      cnp('in', 'Admin', 1, { subject: inNamespace('y'), ingress: [rule('Accept', [ALL_NAMESPACES])] }),
    ],
    from: 'x/b',
    to: 'y/a',
    allowed: false,
    egressBy: 'NetworkPolicy',
    ingressBy: 'Admin',
  },
  {
    rule: 'both sides: a Baseline egress Deny on the source applies to pods without egress NetworkPolicies',
    clusterPolicies: [
      banp({ subject: inNamespace('z'), egress: [rule('Deny', [ALL_NAMESPACES], {}, 'egress')] }),
    ],
    from: 'z/a',
    to: 'x/a',
    allowed: false,
    egressBy: 'Baseline',
  },
  {
    rule: "tiers: the NetworkPolicy tier's own-node exemption does not shield a pod from an Admin egress Deny to its node",
    networkPolicies: [denyEgressX],
    clusterPolicies: [
      anp('no-nodes', 1, {
        subject: inNamespace('x'),
        egress: [rule('Deny', [{ nodes: {} }], {}, 'egress')],
      }),
    ],
    from: 'x/a',
    to: '172.18.0.1',
    allowed: false,
    egressBy: 'Admin',
  },
  {
    rule: 'tiers: traffic from a node never matches an Admin ingress rule (ingress peers are pods), so the next tier decides',
    clusterPolicies: [adminIngress('Deny'), baselineIngress('Deny')],
    from: '172.18.0.2',
    to: 'x/a',
    allowed: true,
    ingressBy: 'default',
  },
]);
