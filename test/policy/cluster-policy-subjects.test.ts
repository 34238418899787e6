/** Which pods a cluster policy applies to: spec.subject, and the order of policies and rules. */
import { ALL_NAMESPACES, anp, cnp, inNamespace, podIn, rule, tierTable } from './cluster-policy-fixtures.js';

const denyAllIngress = (subject: Record<string, unknown>) =>
  cnp('deny', 'Admin', 10, { subject, ingress: [rule('Deny', [ALL_NAMESPACES])] });

tierTable([
  {
    rule: 'CNP subject: a namespaces subject selects every pod of the selected namespaces',
    clusterPolicies: [denyAllIngress(inNamespace('x'))],
    from: 'y/a',
    to: 'x/c',
    allowed: false,
    ingressBy: 'Admin',
  },
  {
    rule: 'CNP subject: a namespaces subject does not select pods of other namespaces',
    clusterPolicies: [denyAllIngress(inNamespace('x'))],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
    ingressBy: 'default',
  },
  {
    rule: 'CNP subject: an empty namespaces selector selects pods in every namespace',
    clusterPolicies: [denyAllIngress(ALL_NAMESPACES)],
    from: 'x/a',
    to: 'z/b',
    allowed: false,
  },
  {
    rule: 'CNP subject: a pods subject selects pods matching its namespaceSelector AND podSelector',
    clusterPolicies: [denyAllIngress(podIn('y', 'b'))],
    from: 'x/a',
    to: 'y/b',
    allowed: false,
  },
  {
    rule: 'CNP subject: a pods subject does not select a pod with the label in another namespace',
    clusterPolicies: [denyAllIngress(podIn('y', 'b'))],
    from: 'x/a',
    to: 'x/b',
    allowed: true,
  },
  {
    rule: 'CNP subject: a pods subject does not select another pod of the namespace',
    clusterPolicies: [denyAllIngress(podIn('y', 'b'))],
    from: 'x/a',
    to: 'y/c',
    allowed: true,
  },
  {
    rule: 'CNP subject: v1alpha2 pods without namespaceSelector selects the pods in every namespace',
    clusterPolicies: [denyAllIngress({ pods: { podSelector: { matchLabels: { pod: 'c' } } } })],
    from: 'x/a',
    to: 'z/c',
    allowed: false,
  },
  {
    rule: 'CNP subject: the kubernetes.io/metadata.name label selects a namespace by name',
    clusterPolicies: [
      denyAllIngress({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'z' } } }),
    ],
    from: 'x/a',
    to: 'z/a',
    allowed: false,
  },
  {
    rule: 'CNP subject: matchExpressions select as in any label selector (NotIn)',
    clusterPolicies: [
      denyAllIngress({
        namespaces: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x', 'y'] }] },
      }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'CNP subject: host-network pods are never subjects of ingress rules',
    clusterPolicies: [denyAllIngress(ALL_NAMESPACES)],
    from: 'x/a',
    to: 'kube-system/agent',
    allowed: true,
    ingressBy: 'default',
  },
  {
    rule: 'CNP subject: host-network pods are never subjects of egress rules',
    clusterPolicies: [
      cnp('deny', 'Admin', 10, {
        subject: ALL_NAMESPACES,
        egress: [rule('Deny', [{ networks: ['0.0.0.0/0'] }], {}, 'egress')],
      }),
    ],
    from: 'kube-system/agent',
    to: '192.0.2.1',
    allowed: true,
  },
  {
    rule: 'ANP subject: v1alpha1 pods subject selects by namespaceSelector AND podSelector',
    clusterPolicies: [
      anp('deny', 10, { subject: podIn('x', 'a'), ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
]);

tierTable([
  {
    rule: 'ANP: a lower priority number is evaluated first (Deny at 5 beats Allow at 10)',
    clusterPolicies: [
      anp('allow', 10, { subject: ALL_NAMESPACES, ingress: [rule('Allow', [ALL_NAMESPACES])] }),
      anp('deny', 5, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'ANP: a lower priority number is evaluated first (Allow at 5 beats Deny at 10)',
    clusterPolicies: [
      anp('allow', 5, { subject: ALL_NAMESPACES, ingress: [rule('Allow', [ALL_NAMESPACES])] }),
      anp('deny', 10, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
    ingressBy: 'Admin',
  },
  {
    rule: 'ANP: priorities 0 and 1000 are the first and the last',
    clusterPolicies: [
      anp('last', 1000, { subject: ALL_NAMESPACES, ingress: [rule('Allow', [ALL_NAMESPACES])] }),
      anp('first', 0, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'ANP: rules of a policy are evaluated in the order written, the first match wins',
    clusterPolicies: [
      anp('ordered', 10, {
        subject: ALL_NAMESPACES,
        ingress: [rule('Deny', [inNamespace('x')]), rule('Allow', [ALL_NAMESPACES])],
      }),
    ],
    networkPolicies: [],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'ANP: a later rule decides when the earlier ones do not match',
    clusterPolicies: [
      anp('ordered', 10, {
        subject: ALL_NAMESPACES,
        ingress: [rule('Allow', [inNamespace('z')]), rule('Deny', [inNamespace('x')])],
      }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'ANP: equal priorities are evaluated by name (the spec leaves the order to the implementation)',
    clusterPolicies: [
      anp('b-allow', 7, { subject: ALL_NAMESPACES, ingress: [rule('Allow', [ALL_NAMESPACES])] }),
      anp('a-deny', 7, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
  {
    rule: 'Admin tier: v1alpha2 Admin CNPs and v1alpha1 ANPs share one order by priority',
    clusterPolicies: [
      anp('anp-deny', 20, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
      cnp('cnp-accept', 'Admin', 15, {
        subject: ALL_NAMESPACES,
        ingress: [rule('Accept', [ALL_NAMESPACES])],
      }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'CNP: a policy with no ingress rules does not affect ingress, so a later policy decides',
    clusterPolicies: [
      cnp('egress-only', 'Admin', 1, {
        subject: ALL_NAMESPACES,
        egress: [rule('Accept', [ALL_NAMESPACES], {}, 'egress')],
      }),
      cnp('deny-in', 'Admin', 2, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
    egressBy: 'Admin',
    ingressBy: 'Admin',
  },
  {
    rule: 'ANP: Pass skips every remaining policy of the Admin tier',
    clusterPolicies: [
      anp('pass', 1, { subject: ALL_NAMESPACES, ingress: [rule('Pass', [inNamespace('x')])] }),
      anp('deny', 2, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
    ingressBy: 'default',
  },
  {
    rule: 'ANP: Pass skips the remaining rules of its own policy',
    clusterPolicies: [
      anp('pass', 1, {
        subject: ALL_NAMESPACES,
        ingress: [rule('Pass', [inNamespace('x')]), rule('Deny', [ALL_NAMESPACES])],
      }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: true,
  },
  {
    rule: 'ANP: traffic Pass does not match still meets the next policy',
    clusterPolicies: [
      anp('pass', 1, { subject: ALL_NAMESPACES, ingress: [rule('Pass', [inNamespace('z')])] }),
      anp('deny', 2, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'x/a',
    to: 'y/a',
    allowed: false,
  },
]);
