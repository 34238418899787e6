/**
 * The differential test: real packets through the lab's data plane (`--cni full`) must
 * agree with the policy model (src/policy), which was written apart from the data
 * plane's compiler. Seeded random clusters and policies; every pod pair, port and
 * outside host probed; a disagreement prints the seed and the whole case.
 *
 * The lab's kube-apiserver (the one findLabBinaries finds, e.g. by KUBEBUILDER_ASSETS)
 * stores every random policy first (a dry-run create). Port ranges (`endPort`) are drawn
 * when the server has them (1.25+, asked from its /version). The generator draws the
 * forms the server defaults (policyTypes absent, null or `[]`; empty lists; empty
 * selectors), so each round hands the two sides a different form:
 *
 *   round 0: both get what the server stored, defaults and all, as in a lab
 *   round 1: the data plane gets the policies as drawn, the model what the server stored
 *   round 2: the model gets the policies as drawn (as `predict --state` reads files),
 *            the data plane what the server stored
 *
 * and, for every policy, which directions the model and the data plane's compiler say
 * it isolates, read from the policy as drawn, must be the policyTypes the server stored.
 *
 *   connected            -> allowed
 *   timeout/unreachable  -> denied
 *   refused, error       -> the test itself is wrong (nothing listened): fails loudly
 *
 * NETPOL_ASSERT_SEEDS=7,8 runs other seeds. Needs root, iproute2, nftables, cc, etcd and
 * kube-apiserver.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findLabBinaries,
  LAB_SERVICE_CLUSTER_IP_RANGE,
  LabBinariesMissingError,
  labKubeConfig,
  serverVersion,
  servesEndPort,
  startControlPlane,
} from '../../src/lab/control-plane/index.js';
import type { ControlPlane, KubernetesVersion } from '../../src/lab/control-plane/index.js';
import type { DataPlaneStatus, DesiredState } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import { isolates } from '../../src/lab/enforcer/index.js';
import { buildPolicy, PolicyEngine, policyTypes } from '../../src/policy/index.js';
import type { ClusterState, NetworkPolicy, Pod, Protocol, TrafficEndpoint } from '../../src/policy/index.js';
import type { LabelSelectorManifest, NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { labSkipReason, probeFrom } from './lab-support.js';
import type { Probe, ProbeOutcome } from './lab-support.js';
import type { RandomCluster } from './random-cluster.js';
import { randomCluster, randomPolicies, Rng } from './random-cluster.js';

const LAB = 'tdiff';
const SEEDS = (process.env.NETPOL_ASSERT_SEEDS ?? '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
const TIMEOUT_MS = 300;
const NAMESPACES = ['alpha', 'beta', 'gamma'];

/** Which form of each round's policies the data plane and the model get (see above). */
type PolicyForm = 'stored' | 'drawn';
const ROUND_FORMS: readonly { readonly dataPlane: PolicyForm; readonly model: PolicyForm }[] = [
  { dataPlane: 'stored', model: 'stored' },
  { dataPlane: 'drawn', model: 'stored' },
  { dataPlane: 'stored', model: 'drawn' },
];
const POLICY_ROUNDS = ROUND_FORMS.length;

/** One round's policies in both forms, index for index. */
interface RoundPolicies {
  readonly drawn: readonly NetworkPolicyManifest[];
  readonly stored: readonly NetworkPolicyManifest[];
}

async function skipReason(): Promise<string | false> {
  const machine = await labSkipReason();
  if (machine !== undefined) return machine;
  try {
    await findLabBinaries();
    return false;
  } catch (error) {
    if (error instanceof LabBinariesMissingError)
      return `the lab's control plane is missing: ${error.message}`;
    throw error;
  }
}

const skip = await skipReason();

/** The lab's API server alone (etcd and kube-apiserver), spoken to as JSON in wire form. */
interface ApiServer {
  readonly controlPlane: ControlPlane;
  readonly version: KubernetesVersion;
  send(method: 'POST', path: string, body: unknown): Promise<Record<string, unknown>>;
}

async function startApiServer(folder: string): Promise<ApiServer> {
  const { etcd, kubeApiserver } = await findLabBinaries();
  const controlPlane = await startControlPlane({
    folder,
    contextName: `netpol-assert-${LAB}`,
    binaries: { etcd, kubeApiserver },
    serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE,
    onProcessStart: async () => undefined,
    readyTimeoutMs: 60_000,
  });
  const { pki } = controlPlane;
  const [ca, cert, key] = await Promise.all(
    [pki.caCert, pki.admin.cert, pki.admin.key].map((f) => readFile(f)),
  );
  const version = await serverVersion(labKubeConfig(controlPlane.kubeconfig));
  // Plain JSON over HTTPS: the objects stay in wire form (client-node's models rename `from`).
  const send = (method: 'POST', path: string, body: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const call = request(
        `${controlPlane.server}${path}`,
        { method, ca, cert, key, headers: { 'Content-Type': 'application/json' } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () =>
            (response.statusCode ?? 0) < 300
              ? resolve(JSON.parse(text) as Record<string, unknown>)
              : reject(new Error(`${method} ${path}: HTTP ${response.statusCode}: ${text}`)),
          );
        },
      );
      call.on('error', reject);
      call.end(JSON.stringify(body));
    });
  return { controlPlane, version, send };
}

/** The policy as the API server stores it: validated, defaulted, fields it lacks dropped. */
async function storedByServer(api: ApiServer, policy: NetworkPolicyManifest): Promise<NetworkPolicyManifest> {
  const namespace = policy.metadata?.namespace ?? 'default';
  const stored = await api.send(
    'POST',
    `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies?dryRun=All`,
    policy,
  );
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: policy.metadata?.name ?? '', namespace },
    spec: stored.spec as NetworkPolicyManifest['spec'],
  };
}

/** One end of a probe: where the prober runs, what the model calls it, and for humans. */
interface Side {
  readonly display: string;
  readonly netns: string;
  readonly ip: string;
  readonly model: TrafficEndpoint;
  readonly ports: readonly { port: number; protocol: Protocol }[];
}

interface Case {
  readonly source: Side;
  readonly destination: Side;
  readonly port: number;
  readonly protocol: Protocol;
}

function desiredOf(cluster: RandomCluster, policies: readonly NetworkPolicyManifest[]): DesiredState {
  return {
    nodes: [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: cluster.namespaces,
    pods: cluster.pods,
    externalHosts: cluster.externalHosts,
    policies,
  };
}

function modelOf(
  cluster: RandomCluster,
  status: DataPlaneStatus,
  policies: readonly NetworkPolicyManifest[],
) {
  const built = policies.map((manifest): NetworkPolicy => {
    const result = buildPolicy(manifest);
    if (!result.ok)
      throw new Error(
        `generated an invalid policy: ${JSON.stringify(result.errors)}\n${JSON.stringify(manifest)}`,
      );
    return result.policy;
  });
  const state: ClusterState = {
    namespaces: cluster.namespaces,
    nodes: status.nodes.map((node) => ({ name: node.name, labels: {}, addresses: [node.address] })),
    pods: modelPods(cluster, status),
    services: [],
    policies: built,
  };
  return new PolicyEngine(state);
}

function modelPods(cluster: RandomCluster, status: DataPlaneStatus): Pod[] {
  return cluster.pods.map((pod) => {
    const placed = status.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
    assert.ok(
      placed?.phase === 'Running',
      `pod ${pod.namespace}/${pod.name} is not running: ${JSON.stringify(placed)}`,
    );
    return {
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ips: [placed.ip],
      nodeName: placed.nodeName,
      hostNetwork: false,
      ports: pod.ports,
    };
  });
}

function sidesOf(cluster: RandomCluster, status: DataPlaneStatus): Side[] {
  const pods = modelPods(cluster, status).map((pod): Side => {
    const placed = status.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
    assert.ok(placed?.phase === 'Running');
    return {
      display: `${pod.namespace}/${pod.name}`,
      netns: placed.netns,
      ip: placed.ip,
      model: { kind: 'pod', pod },
      ports: pod.ports,
    };
  });
  const outside = status.externalHosts.map((host): Side => ({
    display: `outside ${host.name}`,
    netns: host.netns,
    ip: host.address,
    model: { kind: 'address', ip: host.address },
    ports: cluster.externalHosts.find((h) => h.name === host.name)?.ports ?? [],
  }));
  return [...pods, ...outside];
}

/** Every pod to every other pod and outside host, and every outside host to every pod, on each declared port. */
function casesOf(sides: readonly Side[]): Case[] {
  return sides.flatMap((source) =>
    sides
      .filter((destination) => destination !== source)
      .filter((destination) => source.model.kind === 'pod' || destination.model.kind === 'pod')
      .flatMap((destination) =>
        destination.ports.map((port) => ({ source, destination, port: port.port, protocol: port.protocol })),
      ),
  );
}

/** All sources at once, each source's probes concurrently in one prober process. */
async function observe(cases: readonly Case[]): Promise<ProbeOutcome[]> {
  const bySource = new Map<string, number[]>();
  cases.forEach((c, index) => bySource.set(c.source.netns, [...(bySource.get(c.source.netns) ?? []), index]));
  const outcomes: ProbeOutcome[] = new Array<ProbeOutcome>(cases.length);
  await Promise.all(
    [...bySource].map(async ([netns, indexes]) => {
      const probes = indexes.map((i): Probe => {
        const c = cases[i] as Case;
        return { protocol: c.protocol, address: c.destination.ip, port: c.port };
      });
      const results = await probeFrom(netns, probes, TIMEOUT_MS);
      indexes.forEach((caseIndex, k) => (outcomes[caseIndex] = results[k] as ProbeOutcome));
    }),
  );
  return outcomes;
}

function describeCase(
  seed: number,
  round: number,
  c: Case,
  observed: ProbeOutcome,
  engine: PolicyEngine,
  cluster: RandomCluster,
  status: DataPlaneStatus,
  policies: RoundPolicies,
): string {
  const verdict = engine.verdict({
    source: c.source.model,
    destination: c.destination.model,
    port: c.port,
    protocol: c.protocol,
  });
  const pods = cluster.pods.map((pod) => {
    const placed = status.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
    const ip = placed?.phase === 'Running' ? placed.ip : '?';
    return `  ${pod.namespace}/${pod.name} ${ip} ${pod.nodeName} labels=${JSON.stringify(pod.labels)} ports=${JSON.stringify(pod.ports)}`;
  });
  return [
    `seed ${seed} round ${round}: ${c.source.display} (${c.source.ip}) -> ${c.destination.display} (${c.destination.ip}) ${c.port}/${c.protocol}`,
    `  observed ${observed}, model says ${verdict.allowed ? 'allowed' : 'denied'} ` +
      `(egress ${verdict.egress.allowed ? 'allows' : 'denies'}, isolated by ${JSON.stringify(verdict.egress.isolatedBy)}; ` +
      `ingress ${verdict.ingress.allowed ? 'allows' : 'denies'}, isolated by ${JSON.stringify(verdict.ingress.isolatedBy)})`,
    `namespaces: ${JSON.stringify(cluster.namespaces)}`,
    'pods:',
    ...pods,
    `outside: ${JSON.stringify(status.externalHosts.map((h) => [h.name, h.address]))}`,
    `nodes: ${JSON.stringify(status.nodes.map((n) => [n.name, n.address]))}`,
    `forms: ${JSON.stringify(ROUND_FORMS[round])}`,
    `policies as drawn: ${JSON.stringify(policies.drawn, null, 1)}`,
    `policies as stored: ${JSON.stringify(policies.stored, null, 1)}`,
  ].join('\n');
}

describe('the data plane agrees with the policy model on random clusters', { skip }, () => {
  let plane: DataPlane | undefined;
  let api: ApiServer | undefined;
  let folder = '';
  let rangesStored = 0;
  const edgeCases = new Map<string, number>();

  before(async () => {
    await DataPlane.cleanLeftovers({ lab: LAB });
    folder = await mkdtemp(join(tmpdir(), 'npa-differential-'));
    api = await startApiServer(folder);
    for (const name of NAMESPACES)
      await api.send('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    plane = await DataPlane.create(LAB);
  });

  after(async () => {
    await plane?.destroy();
    await api?.controlPlane.stop();
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  for (const seed of SEEDS) {
    test(`seed ${seed}: every probe through real packets matches the model`, async (t) => {
      assert.ok(plane && api);
      const portRanges = servesEndPort(api.version);
      const rng = new Rng(seed);
      const cluster = randomCluster(rng, seed);
      let status = await plane.apply(desiredOf(cluster, []));
      const anchors = {
        podIps: status.pods.flatMap((p) => (p.phase === 'Running' ? [p.ip] : [])),
        outsideIps: status.externalHosts.map((h) => h.address),
      };
      const disagreements: string[] = [];
      const defaulting: string[] = [];
      let probes = 0;
      let allowed = 0;
      let ranges = 0;
      let policyCount = 0;
      for (let round = 0; round < POLICY_ROUNDS; round++) {
        const server = api;
        const drawn = randomPolicies(rng, anchors, { portRanges });
        const policies: RoundPolicies = {
          drawn,
          stored: await Promise.all(drawn.map((policy) => storedByServer(server, policy))),
        };
        policyCount += drawn.length;
        for (const policy of drawn)
          for (const edge of edgeCasesOf(policy)) edgeCases.set(edge, (edgeCases.get(edge) ?? 0) + 1);
        defaulting.push(...defaultingDisagreements(seed, round, policies));
        ranges += countRanges(policies.stored);
        rangesStored += countRanges(policies.stored);
        const forms = ROUND_FORMS[round] ?? assert.fail(`no forms for round ${round}`);
        status = await plane.apply(desiredOf(cluster, policies[forms.dataPlane]));
        const engine = modelOf(cluster, status, policies[forms.model]);
        const cases = casesOf(sidesOf(cluster, status));
        const outcomes = await observe(cases);
        cases.forEach((c, i) => {
          const observed = outcomes[i] as ProbeOutcome;
          if (observed !== 'connected' && observed !== 'timeout' && observed !== 'unreachable') {
            throw new Error(
              `test bug: ${observed}\n${describeCase(seed, round, c, observed, engine, cluster, status, policies)}`,
            );
          }
          const model = engine.allows({
            source: c.source.model,
            destination: c.destination.model,
            port: c.port,
            protocol: c.protocol,
          });
          if (model) allowed++;
          if (model !== (observed === 'connected')) {
            disagreements.push(describeCase(seed, round, c, observed, engine, cluster, status, policies));
          }
        });
        probes += cases.length;
      }
      t.diagnostic(
        `seed ${seed} on ${api.version.gitVersion}: ${probes} probes, ${allowed} allowed by the model, ` +
          `${policyCount} policies, ${ranges} port ranges, ${disagreements.length} disagreements, ` +
          `${defaulting.length} policyTypes defaulting disagreements`,
      );
      if (!portRanges) assert.equal(ranges, 0, 'no endPort is drawn for a server without it');
      assert.ok(probes >= 75, `only ${probes} probes`);
      assert.ok(allowed > 0 && allowed < probes, 'both verdicts occur');
      assert.deepEqual(defaulting, [], "model and data plane isolate what the server's policyTypes say");
      assert.equal(
        disagreements.length,
        0,
        `${disagreements.length} disagreements:\n${disagreements.slice(0, 5).join('\n\n')}`,
      );
    });
  }

  test('the server kept the drawn port ranges when it has endPort, and none was drawn otherwise', (t) => {
    assert.ok(api);
    t.diagnostic(`${api.version.gitVersion}: ${rangesStored} port ranges stored over ${SEEDS.length} seeds`);
    if (servesEndPort(api.version)) assert.ok(rangesStored > 0, 'some endPort reached the data plane');
    else assert.equal(rangesStored, 0);
  });

  test('the generator drew every form the API server defaults or drops', (t) => {
    for (const [edge, count] of [...edgeCases].sort()) t.diagnostic(`${count} policies: ${edge}`);
    // Other seeds (NETPOL_ASSERT_SEEDS) may be too few to draw every form.
    if (process.env.NETPOL_ASSERT_SEEDS !== undefined) return;
    for (const edge of EDGE_CASES) assert.ok((edgeCases.get(edge) ?? 0) > 0, `never drawn: ${edge}`);
  });
});

/**
 * The API server's rule (SetDefaults_NetworkPolicy, pkg/apis/networking/v1/defaults.go):
 * `len(policyTypes) == 0` becomes [Ingress], plus Egress when `len(egress) != 0`.
 * The stored object must say so, and the model and the data plane's compiler, each
 * reading the policy as drawn, must isolate exactly the stored types.
 */
function defaultingDisagreements(seed: number, round: number, policies: RoundPolicies): string[] {
  return policies.drawn.flatMap((drawn, index) => {
    const stored = policies.stored[index] ?? assert.fail(`policy ${index} was not stored`);
    const listed = stored.spec.policyTypes ?? [];
    const server = { ingress: listed.includes('Ingress'), egress: listed.includes('Egress') };
    const unspecified = (drawn.spec.policyTypes ?? []).length === 0;
    const rule = { ingress: true, egress: (drawn.spec.egress ?? []).length > 0 };
    const model = policyTypes(drawn);
    const dataPlane = { ingress: isolates(drawn, 'ingress'), egress: isolates(drawn, 'egress') };
    const where = `seed ${seed} round ${round} ${drawn.metadata.name}: drawn ${JSON.stringify(drawn.spec)}, stored policyTypes ${JSON.stringify(listed)}`;
    const problems: string[] = [];
    if (unspecified && !sameTypes(server, rule))
      problems.push(`the server did not default as defaults.go: ${where}`);
    if (!sameTypes(model, server)) problems.push(`the model isolates ${JSON.stringify(model)}: ${where}`);
    if (!sameTypes(dataPlane, server))
      problems.push(`the data plane isolates ${JSON.stringify(dataPlane)}: ${where}`);
    return problems;
  });
}

function sameTypes(
  a: { ingress: boolean; egress: boolean },
  b: { ingress: boolean; egress: boolean },
): boolean {
  return a.ingress === b.ingress && a.egress === b.egress;
}

/** The forms the server defaults or drops, as the generator draws them. */
const EDGE_CASES = [
  'policyTypes absent, no egress key',
  'policyTypes absent, egress []',
  'policyTypes absent, egress rules',
  'policyTypes null',
  'policyTypes [], no egress rules',
  'policyTypes [], egress rules',
  'a policy type listed twice',
  'no podSelector',
  'an empty podSelector',
  'ingress [] or egress []',
  'a rule with from/to []',
  'a rule without from/to',
  'ports []',
  'ports [{}]',
] as const;

function edgeCasesOf(policy: NetworkPolicyManifest): (typeof EDGE_CASES)[number][] {
  const { spec } = policy;
  const egressRules = (spec.egress ?? []).length > 0;
  const edges: (typeof EDGE_CASES)[number][] = [];
  if (!('policyTypes' in spec)) {
    if (spec.egress === undefined) edges.push('policyTypes absent, no egress key');
    else edges.push(egressRules ? 'policyTypes absent, egress rules' : 'policyTypes absent, egress []');
  } else if (spec.policyTypes === null) edges.push('policyTypes null');
  else if (spec.policyTypes?.length === 0)
    edges.push(egressRules ? 'policyTypes [], egress rules' : 'policyTypes [], no egress rules');
  else if (new Set(spec.policyTypes).size < (spec.policyTypes ?? []).length)
    edges.push('a policy type listed twice');
  if (spec.podSelector === undefined) edges.push('no podSelector');
  else if (isEmptySelector(spec.podSelector)) edges.push('an empty podSelector');
  if (spec.ingress?.length === 0 || spec.egress?.length === 0) edges.push('ingress [] or egress []');
  const rules = [
    ...(spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports })),
    ...(spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports })),
  ];
  if (rules.some((rule) => rule.peers?.length === 0)) edges.push('a rule with from/to []');
  if (rules.some((rule) => rule.peers === undefined)) edges.push('a rule without from/to');
  if (rules.some((rule) => rule.ports?.length === 0)) edges.push('ports []');
  if (rules.some((rule) => (rule.ports ?? []).some((port) => Object.keys(port).length === 0)))
    edges.push('ports [{}]');
  return edges;
}

function isEmptySelector(selector: LabelSelectorManifest | null): boolean {
  return (
    selector === null ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/** How many port entries of the stored policies carry an endPort. */
function countRanges(policies: readonly NetworkPolicyManifest[]): number {
  return policies
    .flatMap((policy) => [...(policy.spec?.ingress ?? []), ...(policy.spec?.egress ?? [])])
    .flatMap((rule) => rule.ports ?? [])
    .filter((port) => port.endPort !== undefined && port.endPort !== null).length;
}
