/**
 * The enforcer's cluster policy tiers on their own (no root needed): which clauses each
 * pod gets in which order, what each peer and port form admits, the `--cni` modes that
 * leave cluster policies out or read Pass as Accept, and the chains the renderer writes
 * for the tiers (Pass is a goto into the NetworkPolicy stage; Baseline only where no
 * NetworkPolicy isolates). Real packets through these chains: test/e2e/cluster-policies.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { compileRulesets, parseCniMode, renderRuleset } from '../../src/lab/enforcer/index.js';
import type {
  ClusterPolicyObject,
  CniMode,
  EnforcedPod,
  EnforcementInput,
  PodChains,
} from '../../src/lab/enforcer/index.js';

const GROUP = 'policy.networking.k8s.io';

function mode(text: string): CniMode {
  const parsed = parseCniMode(text);
  assert.ok(parsed.ok, text);
  return parsed.mode;
}

function pod(name: string, namespace: string, ip: string, link: string, extra: Partial<EnforcedPod> = {}) {
  return {
    namespace,
    name,
    labels: { app: name },
    ip,
    nodeName: 'node-a',
    hostNetwork: false,
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' as const },
      { name: 'http', port: 8080, protocol: 'UDP' as const },
    ],
    hostLink: `cali${link.repeat(11)}`,
    ...extra,
  };
}

const web = pod('web', 'shop', '198.18.0.10', 'a');
const api = pod('api', 'shop', '198.18.0.11', 'b', {
  ports: [{ name: 'http', port: 9000, protocol: 'TCP' }],
});
const mon = pod('mon', 'ops', '198.18.0.12', 'c', { nodeName: 'node-b' });
const agent = pod('agent', 'ops', '198.19.0.2', 'd', { hostNetwork: true, nodeName: 'node-b' });

function input(
  clusterPolicies: ClusterPolicyObject[],
  policies: NetworkPolicyManifest[] = [],
): EnforcementInput {
  return {
    namespaces: [
      { name: 'shop', labels: { team: 'shop' } },
      { name: 'ops', labels: { team: 'ops' } },
    ],
    nodes: [
      { name: 'node-a', address: '198.19.0.1', labels: { zone: 'a' } },
      { name: 'node-b', address: '198.19.0.2', labels: { zone: 'b' } },
    ],
    pods: [web, api, mon, agent],
    policies,
    clusterPolicies,
  };
}

function chainsOf(
  name: string,
  objects: ClusterPolicyObject[],
  cni = 'full',
  nps: NetworkPolicyManifest[] = [],
) {
  const found = compileRulesets(input(objects, nps), mode(cni))
    .flatMap((ruleset) => ruleset.pods)
    .find((chains) => chains.pod.endsWith(`/${name}`));
  assert.ok(found, `no chains for ${name}`);
  return found;
}

function scriptOf(objects: ClusterPolicyObject[], cni = 'full', nps: NetworkPolicyManifest[] = []): string {
  const [nodeA] = compileRulesets(input(objects, nps), mode(cni));
  assert.ok(nodeA);
  return renderRuleset(nodeA);
}

const EVERY_NAMESPACE = { namespaces: {} };
const FROM_OPS = { namespaces: { matchLabels: { team: 'ops' } } };

function cnp(
  name: string,
  tier: string,
  priority: number,
  spec: Record<string, unknown>,
): ClusterPolicyObject {
  return {
    apiVersion: `${GROUP}/v1alpha2`,
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: { tier, priority, subject: EVERY_NAMESPACE, ...spec },
  };
}

function anp(name: string, priority: number, spec: Record<string, unknown>): ClusterPolicyObject {
  return {
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, subject: EVERY_NAMESPACE, ...spec },
  };
}

function banp(spec: Record<string, unknown>, name = 'default'): ClusterPolicyObject {
  return {
    apiVersion: `${GROUP}/v1alpha1`,
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name },
    spec: { subject: EVERY_NAMESPACE, ...spec },
  };
}

const ingressFromOps = (action: string) => ({ ingress: [{ action, from: [FROM_OPS] }] });

const isolateWeb: NetworkPolicyManifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] },
};

function origins(chains: PodChains): { admin: string[]; baseline: string[] } {
  return {
    admin: chains.clusterIngress?.admin.map((c) => `${c.verdict} ${c.origin}`) ?? [],
    baseline: chains.clusterIngress?.baseline.map((c) => `${c.verdict} ${c.origin}`) ?? [],
  };
}

test('admin policies run by priority, then name, ClusterNetworkPolicy before AdminNetworkPolicy; rules in order', () => {
  const chains = chainsOf('web', [
    cnp('b', 'Admin', 10, ingressFromOps('Deny')),
    anp('a', 10, {
      ingress: [
        { action: 'Pass', from: [FROM_OPS] },
        { action: 'Allow', from: [FROM_OPS] },
      ],
    }),
    cnp('a', 'Admin', 10, ingressFromOps('Accept')),
    cnp('z', 'Admin', 1, ingressFromOps('Pass')),
    banp(ingressFromOps('Deny')),
    cnp('base', 'Baseline', 999, ingressFromOps('Pass')),
  ]);
  assert.deepEqual(origins(chains), {
    admin: [
      'pass ClusterNetworkPolicy/z ingress[0]',
      'accept ClusterNetworkPolicy/a ingress[0]',
      'pass AdminNetworkPolicy/a ingress[0]',
      'accept AdminNetworkPolicy/a ingress[1]',
      'deny ClusterNetworkPolicy/b ingress[0]',
    ],
    baseline: [
      'pass ClusterNetworkPolicy/base ingress[0]',
      'deny BaselineAdminNetworkPolicy/default ingress[0]',
    ],
  });
  assert.deepEqual(chains.clusterIngress?.admin[0]?.peer, { kind: 'addresses', addresses: ['198.18.0.12'] });
});

test('Pass is a goto into the NetworkPolicy stage; --cni no-pass makes it an accept', () => {
  const objects = [anp('pass', 1, ingressFromOps('Pass')), cnp('deny', 'Admin', 2, ingressFromOps('Deny'))];
  const full = scriptOf(objects);
  assert.match(
    full,
    /chain in-a{11} \{\n[^}]*ip saddr 198\.18\.0\.12 goto inp-a{11} comment "AdminNetworkPolicy\/pass ingress\[0\]"/,
  );
  assert.match(full, /ip saddr 198\.18\.0\.12 drop comment "ClusterNetworkPolicy\/deny ingress\[0\]"/);
  assert.deepEqual(origins(chainsOf('web', objects, 'no-pass')).admin, [
    'accept AdminNetworkPolicy/pass ingress[0]',
    'deny ClusterNetworkPolicy/deny ingress[0]',
  ]);
  assert.match(
    scriptOf(objects, 'no-pass'),
    /ip saddr 198\.18\.0\.12 accept comment "AdminNetworkPolicy\/pass ingress\[0\]"/,
  );
});

test('the Baseline tier is written only for directions no NetworkPolicy isolates', () => {
  const objects = [banp({ ...ingressFromOps('Deny'), egress: [{ action: 'Deny', to: [FROM_OPS] }] })];
  const script = scriptOf(objects, 'full', [isolateWeb]);
  // web is isolated both ways: its NetworkPolicy stage ends in drop and no baseline chain exists.
  assert.match(script, /chain inp-a{11} \{\n[^}]*drop\n\s*\}/);
  assert.doesNotMatch(script, /chain inb-a{11}/);
  assert.doesNotMatch(script, /chain egb-a{11}/);
  // api is not: its NetworkPolicy stage goes on to the baseline, which ends in accept.
  assert.match(script, /chain inp-b{11} \{\n[^}]*goto inb-b{11}\n\s*\}/);
  assert.match(
    script,
    /chain inb-b{11} \{\n[^}]*ip saddr 198\.18\.0\.12 drop comment[^\n]*\n\s*accept\n\s*\}/,
  );
  assert.match(
    script,
    /chain egb-b{11} \{\n[^}]*ip daddr 198\.18\.0\.12 drop comment[^\n]*\n\s*return\n\s*\}/,
  );
});

test('--cni no-cluster-policies writes what NetworkPolicies alone give', () => {
  const objects = [cnp('deny', 'Admin', 1, ingressFromOps('Deny')), banp(ingressFromOps('Deny'))];
  const chains = chainsOf('web', objects, 'no-cluster-policies', [isolateWeb]);
  assert.equal(chains.clusterIngress, undefined);
  assert.equal(chains.clusterEgress, undefined);
  assert.equal(scriptOf(objects, 'no-cluster-policies', [isolateWeb]), scriptOf([], 'full', [isolateWeb]));
  assert.equal(scriptOf(objects, 'none'), scriptOf([], 'none'));
});

test('egress peers: nodes by label, networks as blocks, pods of namespaces; domainNames admit nothing', () => {
  const chains = chainsOf('web', [
    cnp('out', 'Admin', 1, {
      egress: [
        { action: 'Deny', to: [{ nodes: { matchLabels: { zone: 'b' } } }] },
        { action: 'Deny', to: [{ networks: ['203.0.113.7/24', '2001:db8::/32'] }] },
        {
          action: 'Deny',
          to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'agent' } } } }],
        },
        { action: 'Deny', to: [{ domainNames: ['example.com'] }] },
        { action: 'Accept', to: [FROM_OPS] },
      ],
    }),
  ]);
  assert.deepEqual(
    chains.clusterEgress?.admin.map((clause) => clause.peer),
    [
      { kind: 'addresses', addresses: ['198.19.0.2'] },
      { kind: 'block', cidr: '203.0.113.0/24', except: [] },
      { kind: 'block', cidr: '2001:db8::/32', except: [] },
      { kind: 'addresses', addresses: ['198.18.0.12'] },
    ],
    'the host-network agent is no pod peer; the node peer covers its address',
  );
});

test('named ports: the pod itself for ingress (each protocol), each destination pod for egress', () => {
  const chains = chainsOf('web', [
    cnp('named', 'Admin', 1, {
      ingress: [{ action: 'Deny', from: [EVERY_NAMESPACE], protocols: [{ destinationNamedPort: 'http' }] }],
      egress: [
        {
          action: 'Deny',
          to: [{ namespaces: { matchLabels: { team: 'shop' } } }],
          protocols: [{ destinationNamedPort: 'http' }],
        },
      ],
    }),
    anp('ranges', 2, {
      ingress: [
        {
          action: 'Deny',
          from: [EVERY_NAMESPACE],
          ports: [
            { portNumber: { port: 53 } },
            { portRange: { protocol: 'UDP', start: 5000, end: 5010 } },
            { namedPort: 'http' },
          ],
        },
      ],
    }),
  ]);
  assert.deepEqual(
    chains.clusterIngress?.admin.map((clause) => clause.port),
    [
      { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      { kind: 'portRange', protocol: 'UDP', first: 8080, last: 8080 },
      { kind: 'portRange', protocol: 'TCP', first: 53, last: 53 },
      { kind: 'portRange', protocol: 'UDP', first: 5000, last: 5010 },
      { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      { kind: 'portRange', protocol: 'UDP', first: 8080, last: 8080 },
    ],
  );
  assert.deepEqual(
    chains.clusterEgress?.admin.map((clause) => [clause.peer, clause.port]),
    [
      [
        { kind: 'addresses', addresses: ['198.18.0.10'] },
        { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      ],
      [
        { kind: 'addresses', addresses: ['198.18.0.10'] },
        { kind: 'portRange', protocol: 'UDP', first: 8080, last: 8080 },
      ],
      [
        { kind: 'addresses', addresses: ['198.18.0.11'] },
        { kind: 'portRange', protocol: 'TCP', first: 9000, last: 9000 },
      ],
    ],
  );
});

test('host-network pods are never subjects; subjects by pods select within the namespaces', () => {
  const rulesets = compileRulesets(
    input([
      {
        ...cnp('ops-only', 'Admin', 1, ingressFromOps('Deny')),
        spec: {
          tier: 'Admin',
          priority: 1,
          subject: { pods: { namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: {} } },
          ...ingressFromOps('Deny'),
        },
      },
    ]),
    mode('full'),
  );
  const tiered = rulesets.flatMap((ruleset) => ruleset.pods).filter((c) => c.clusterIngress !== undefined);
  assert.deepEqual(
    tiered.map((c) => c.pod),
    ['ops/mon'],
  );
});

test('objects the enforcer cannot use are left out, and malformed peers and ports match nothing', () => {
  const unusable = [
    banp(ingressFromOps('Deny'), 'not-default'),
    { ...cnp('v1', 'Admin', 1, ingressFromOps('Deny')), apiVersion: `${GROUP}/v1beta1` },
    cnp('no-tier', 'Middle', 1, ingressFromOps('Deny')),
    cnp('too-high', 'Admin', 1001, ingressFromOps('Deny')),
    {
      ...cnp('two-subjects', 'Admin', 1, ingressFromOps('Deny')),
      spec: {
        tier: 'Admin',
        priority: 1,
        subject: { namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } },
        ...ingressFromOps('Deny'),
      },
    },
    cnp('malformed', 'Admin', 1, {
      ingress: [
        { action: 'Deny', from: [{ namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } }] },
        { action: 'Allow', from: [FROM_OPS] },
        {
          action: 'Deny',
          from: [FROM_OPS],
          protocols: [{ tcp: { destinationPort: { range: { start: 9, end: 9 } } } }],
        },
      ],
    }),
  ];
  assert.equal(chainsOf('web', unusable).clusterIngress, undefined);
});

test("egress to the pod's own node is filtered in the input hook only where a cluster tier can act", () => {
  const adminEgress = [cnp('no-node', 'Admin', 1, { egress: [{ action: 'Deny', to: [{ nodes: {} }] }] })];
  const script = scriptOf(adminEgress);
  assert.match(script, /chain input \{\n\s*type filter hook input priority filter; policy accept;/);
  assert.match(script, /iifname vmap \{[^}]*"calia{11}" : jump egl-a{11}/);
  assert.match(
    script,
    /chain egl-a{11} \{\n[^}]*ip daddr \{ 198\.19\.0\.1, 198\.19\.0\.2 \} drop comment[^\n]*\n\s*return\n\s*\}/,
  );
  const baselineOnly = [banp({ egress: [{ action: 'Deny', to: [{ nodes: {} }] }] })];
  assert.match(scriptOf(baselineOnly), /chain egl-b{11} \{\n[^}]*goto egb-b{11}\n\s*\}/);
  assert.doesNotMatch(
    scriptOf(baselineOnly, 'full', [isolateWeb]),
    /jump egl-a{11}/,
    'an isolating NetworkPolicy allows its own node; the baseline is not reached',
  );
});
