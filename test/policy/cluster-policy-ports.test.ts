/** Ports of cluster policy rules: v1alpha1 ports (number, range, named) and v1alpha2 protocols. */
import { ALL_NAMESPACES, anp, cnp, inNamespace, rule, tierTable } from './cluster-policy-fixtures.js';

const anpPorts = (ports: Record<string, unknown>[]) =>
  anp('ports', 10, { subject: inNamespace('x'), ingress: [rule('Deny', [ALL_NAMESPACES], { ports })] });
const cnpProtocols = (protocols: Record<string, unknown>[]) =>
  cnp('protocols', 'Admin', 10, {
    subject: inNamespace('x'),
    ingress: [rule('Deny', [ALL_NAMESPACES], { protocols })],
  });

tierTable([
  {
    rule: 'v1alpha1 ports: portNumber matches its port and protocol',
    clusterPolicies: [anpPorts([{ portNumber: { protocol: 'UDP', port: 53 } }])],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    rule: 'v1alpha1 ports: portNumber protocol defaults to TCP, so UDP traffic does not match',
    clusterPolicies: [anpPorts([{ portNumber: { port: 53 } }])],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: true,
  },
  {
    rule: 'v1alpha1 ports: portNumber does not match another port',
    clusterPolicies: [anpPorts([{ portNumber: { port: 443 } }])],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'v1alpha1 ports: portRange includes its start',
    clusterPolicies: [anpPorts([{ portRange: { start: 80, end: 90 } }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: false,
  },
  {
    rule: 'v1alpha1 ports: portRange includes its end',
    clusterPolicies: [anpPorts([{ portRange: { start: 70, end: 80 } }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: false,
  },
  {
    rule: 'v1alpha1 ports: portRange does not match a port past its end',
    clusterPolicies: [anpPorts([{ portRange: { start: 70, end: 79 } }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  {
    rule: 'v1alpha1 ports: namedPort resolves on the destination pod (ingress)',
    clusterPolicies: [anpPorts([{ namedPort: 'metrics' }])],
    from: 'y/a',
    to: 'x/a',
    port: 9090,
    allowed: false,
  },
  {
    rule: 'v1alpha1 ports: namedPort does not match another port of the pod',
    clusterPolicies: [anpPorts([{ namedPort: 'metrics' }])],
    from: 'y/a',
    to: 'x/a',
    port: 80,
    allowed: true,
  },
  {
    rule: 'v1alpha1 ports: an egress namedPort resolves on the destination pod',
    clusterPolicies: [
      anp('out', 10, {
        subject: inNamespace('x'),
        egress: [rule('Deny', [ALL_NAMESPACES], { ports: [{ namedPort: 'http' }] }, 'egress')],
      }),
    ],
    from: 'x/a',
    to: 'y/b',
    port: 80,
    allowed: false,
  },
  {
    rule: "named ports: the container port's protocol must be the traffic's (dns is UDP 53)",
    clusterPolicies: [anpPorts([{ namedPort: 'dns' }])],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'TCP',
    allowed: true,
  },
  {
    rule: 'named ports: a named port matches UDP traffic to a UDP container port',
    clusterPolicies: [anpPorts([{ namedPort: 'dns' }])],
    from: 'y/a',
    to: 'x/a',
    port: 53,
    protocol: 'UDP',
    allowed: false,
  },
  {
    rule: 'named ports: an outside destination has no named ports',
    clusterPolicies: [
      anp('out', 10, {
        subject: inNamespace('x'),
        egress: [rule('Deny', [ALL_NAMESPACES], { ports: [{ namedPort: 'http' }] }, 'egress')],
      }),
    ],
    from: 'x/a',
    to: '192.0.2.1',
    allowed: true,
  },
  {
    rule: 'v1alpha2 protocols: tcp destinationPort number matches TCP traffic to the port',
    clusterPolicies: [cnpProtocols([{ tcp: { destinationPort: { number: 80 } } }])],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'v1alpha2 protocols: a udp port does not match TCP traffic',
    clusterPolicies: [cnpProtocols([{ udp: { destinationPort: { number: 80 } } }])],
    from: 'y/a',
    to: 'x/a',
    allowed: true,
  },
  {
    rule: 'v1alpha2 protocols: an sctp range matches SCTP traffic inside it',
    clusterPolicies: [cnpProtocols([{ sctp: { destinationPort: { range: { start: 3000, end: 4000 } } } }])],
    from: 'y/a',
    to: 'x/a',
    port: 3868,
    protocol: 'SCTP',
    allowed: false,
  },
  {
    rule: 'v1alpha2 protocols: destinationNamedPort resolves on the destination pod',
    clusterPolicies: [cnpProtocols([{ destinationNamedPort: 'http' }])],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'ports: a rule without ports matches every port of every protocol',
    clusterPolicies: [
      anp('all', 10, { subject: inNamespace('x'), ingress: [rule('Deny', [ALL_NAMESPACES])] }),
    ],
    from: 'y/a',
    to: 'x/a',
    port: 5000,
    protocol: 'SCTP',
    allowed: false,
  },
  {
    rule: 'ports: the ports of a rule are ORed',
    clusterPolicies: [
      cnpProtocols([
        { tcp: { destinationPort: { number: 443 } } },
        { tcp: { destinationPort: { number: 80 } } },
      ]),
    ],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
  {
    rule: 'ports: a rule whose ports do not match is skipped and the next rule applies',
    clusterPolicies: [
      anp('two', 10, {
        subject: inNamespace('x'),
        ingress: [
          rule('Allow', [ALL_NAMESPACES], { ports: [{ portNumber: { port: 443 } }] }),
          rule('Deny', [ALL_NAMESPACES]),
        ],
      }),
    ],
    from: 'y/a',
    to: 'x/a',
    allowed: false,
  },
]);
