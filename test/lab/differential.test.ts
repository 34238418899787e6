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
 * With cluster policies (policy.networking.k8s.io): further seeds add random
 * ClusterNetworkPolicies (v1alpha2, both tiers), AdminNetworkPolicies and the
 * BaselineAdminNetworkPolicy (v1alpha1) to the random NetworkPolicies
 * (random-cluster-policies.ts), on labelled nodes with host-network pods (which `nodes`
 * and `networks` peers match and no subject selects). The server, which serves the lab's
 * CRDs, stores each cluster policy first too, and the same three rounds of forms apply
 * (v1alpha1 `protocol` is defaulted to TCP where the drawn object leaves it out). Over the
 * default seeds at least 2,000 probes run, with 0 disagreements, and every tier path
 * (Admin Accept/Deny, Pass to the NetworkPolicy tier and to the Baseline tier, Baseline
 * Accept/Deny/Pass) decides some of them.
 *
 * NETPOL_ASSERT_SEEDS=7,8 runs other seeds, NETPOL_ASSERT_CLUSTER_SEEDS=21,22 other seeds
 * with cluster policies (an empty list runs none). Needs root, iproute2, nftables, cc,
 * etcd and kube-apiserver.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findLabBinaries,
  installClusterPolicyCrds,
  LAB_SERVICE_CLUSTER_IP_RANGE,
  LabBinariesMissingError,
  labKubeConfig,
  serverVersion,
  servesEndPort,
  startControlPlane,
} from '../../src/lab/control-plane/index.js';
import type { ControlPlane, KubernetesVersion } from '../../src/lab/control-plane/index.js';
import type { DataPlaneStatus, DesiredNode, DesiredState } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import { isolates } from '../../src/lab/enforcer/index.js';
import type { ClusterPolicyObject } from '../../src/lab/enforcer/index.js';
import { buildClusterPolicy, buildPolicy, PolicyEngine, policyTypes } from '../../src/policy/index.js';
import type {
  ClusterPolicy,
  ClusterState,
  DirectionVerdict,
  NetworkPolicy,
  Pod,
  PolicyVerdict,
  Protocol,
  TrafficEndpoint,
} from '../../src/policy/index.js';
import type { LabelSelectorManifest, NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { labSkipReason, probeFrom } from './lab-support.js';
import type { Probe, ProbeOutcome } from './lab-support.js';
import type { RandomCluster } from './random-cluster.js';
import { randomCluster, randomPolicies, Rng } from './random-cluster.js';
import type { ClusterPolicyForm } from './random-cluster-policies.js';
import {
  CLUSTER_POLICY_FORMS,
  clusterPolicyFormsOf,
  clusterPolicyPath,
  randomClusterPolicies,
  randomNodes,
  withHostNetworkPods,
} from './random-cluster-policies.js';

const LAB = 'tdiff';
const seedList = (text: string): number[] => text.split(',').filter(Boolean).map(Number);
const SEEDS = seedList(process.env.NETPOL_ASSERT_SEEDS ?? '1,2,3,4,5,6,7,8,9,10');
const CLUSTER_SEEDS = seedList(process.env.NETPOL_ASSERT_CLUSTER_SEEDS ?? '101,102,103,104,105,106');
/** What the issue asks of the seeds with cluster policies together (the default ones). */
const CLUSTER_PROBES_WANTED = 2000;
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

/** One round's cluster policies in both forms, index for index. */
interface RoundClusterPolicies {
  readonly drawn: readonly ClusterPolicyObject[];
  readonly stored: readonly ClusterPolicyObject[];
}

/** What the seeds with cluster policies add to a round: labelled nodes and the cluster policies of one form. */
interface Tiers {
  readonly nodes: readonly DesiredNode[];
  readonly clusterPolicies: readonly ClusterPolicyObject[];
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

/** The cluster policy as the API server stores it: checked against the lab's CRDs, defaults written in. */
async function storedClusterPolicy(
  api: ApiServer,
  policy: ClusterPolicyObject,
): Promise<ClusterPolicyObject> {
  const stored = await api.send('POST', `${clusterPolicyPath(policy)}?dryRun=All`, policy);
  return { ...policy, metadata: { name: policy.metadata.name }, spec: stored.spec };
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

function desiredOf(
  cluster: RandomCluster,
  policies: readonly NetworkPolicyManifest[],
  tiers?: Tiers,
): DesiredState {
  return {
    nodes: tiers?.nodes ?? [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: cluster.namespaces,
    pods: cluster.pods,
    externalHosts: cluster.externalHosts,
    policies,
    ...(tiers === undefined ? {} : { clusterPolicies: tiers.clusterPolicies }),
  };
}

/** The model's reading of a cluster policy; the generator draws only objects the model accepts. */
function modelClusterPolicy(object: ClusterPolicyObject): ClusterPolicy {
  const result = buildClusterPolicy(object as unknown as Record<string, unknown>);
  if (!result.ok)
    throw new Error(
      `generated a cluster policy the model rejects: ${JSON.stringify(result.errors)}\n${JSON.stringify(object)}`,
    );
  return result.policy;
}

function modelOf(
  cluster: RandomCluster,
  status: DataPlaneStatus,
  policies: readonly NetworkPolicyManifest[],
  tiers?: Tiers,
) {
  const built = policies.map((manifest): NetworkPolicy => {
    const result = buildPolicy(manifest);
    if (!result.ok)
      throw new Error(
        `generated an invalid policy: ${JSON.stringify(result.errors)}\n${JSON.stringify(manifest)}`,
      );
    return result.policy;
  });
  const nodeLabels = (name: string) => tiers?.nodes.find((node) => node.name === name)?.labels ?? {};
  const state: ClusterState = {
    namespaces: cluster.namespaces,
    nodes: status.nodes.map((node) => ({
      name: node.name,
      labels: nodeLabels(node.name),
      addresses: [node.address],
    })),
    pods: modelPods(cluster, status),
    services: [],
    policies: built,
    ...(tiers === undefined ? {} : { clusterPolicies: tiers.clusterPolicies.map(modelClusterPolicy) }),
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
      hostNetwork: pod.hostNetwork === true,
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
  tiers?: { readonly nodes: readonly DesiredNode[]; readonly policies: RoundClusterPolicies },
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
    const host = pod.hostNetwork === true ? ' hostNetwork' : '';
    return `  ${pod.namespace}/${pod.name} ${ip} ${pod.nodeName}${host} labels=${JSON.stringify(pod.labels)} ports=${JSON.stringify(pod.ports)}`;
  });
  return [
    `seed ${seed} round ${round}: ${c.source.display} (${c.source.ip}) -> ${c.destination.display} (${c.destination.ip}) ${c.port}/${c.protocol}`,
    `  observed ${observed}, model says ${verdict.allowed ? 'allowed' : 'denied'} ` +
      `(egress ${verdict.egress.allowed ? 'allows' : 'denies'}, isolated by ${JSON.stringify(verdict.egress.isolatedBy)}; ` +
      `ingress ${verdict.ingress.allowed ? 'allows' : 'denies'}, isolated by ${JSON.stringify(verdict.ingress.isolatedBy)})`,
    ...(tiers === undefined
      ? []
      : [
          `  model's egress tiers: ${JSON.stringify(verdict.egress.tiers)}`,
          `  model's ingress tiers: ${JSON.stringify(verdict.ingress.tiers)}`,
        ]),
    `namespaces: ${JSON.stringify(cluster.namespaces)}`,
    'pods:',
    ...pods,
    `outside: ${JSON.stringify(status.externalHosts.map((h) => [h.name, h.address]))}`,
    `nodes: ${JSON.stringify(status.nodes.map((n) => [n.name, n.address]))}`,
    `forms: ${JSON.stringify(ROUND_FORMS[round])}`,
    `policies as drawn: ${JSON.stringify(policies.drawn, null, 1)}`,
    `policies as stored: ${JSON.stringify(policies.stored, null, 1)}`,
    ...(tiers === undefined ? [] : tierLines(tiers)),
  ].join('\n');
}

/** The nodes' labels and the cluster policies, for a disagreement. */
function tierLines(tiers: {
  readonly nodes: readonly DesiredNode[];
  readonly policies: RoundClusterPolicies;
}): string[] {
  return [
    `node labels: ${JSON.stringify(tiers.nodes)}`,
    `cluster policies as drawn: ${JSON.stringify(tiers.policies.drawn, null, 1)}`,
    `cluster policies as stored: ${JSON.stringify(tiers.policies.stored, null, 1)}`,
  ];
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
    // The lab's CRDs, installed as it started: installing them again replaces them in place.
    await installClusterPolicyCrds(labKubeConfig(api.controlPlane.kubeconfig), 60_000);
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
    if (SEEDS.length === 0) return;
    if (servesEndPort(api.version)) assert.ok(rangesStored > 0, 'some endPort reached the data plane');
    else assert.equal(rangesStored, 0);
  });

  test('the generator drew every form the API server defaults or drops', (t) => {
    for (const [edge, count] of [...edgeCases].sort()) t.diagnostic(`${count} policies: ${edge}`);
    // Other seeds (NETPOL_ASSERT_SEEDS) may be too few to draw every form.
    if (process.env.NETPOL_ASSERT_SEEDS !== undefined) return;
    for (const edge of EDGE_CASES) assert.ok((edgeCases.get(edge) ?? 0) > 0, `never drawn: ${edge}`);
  });

  const tally: ClusterTally = { probes: 0, disagreements: 0, forms: new Map(), paths: new Map() };

  for (const seed of CLUSTER_SEEDS) {
    test(`seed ${seed} with cluster policies: every probe through real packets matches the model's tiers`, async (t) => {
      assert.ok(plane && api);
      const result = await clusterSeed(seed, plane, api, tally);
      t.diagnostic(
        `seed ${seed} with cluster policies on ${api.version.gitVersion}: ${result.probes} probes, ` +
          `${result.allowed} allowed by the model, ${result.policies} NetworkPolicies, ` +
          `${result.clusterPolicies} cluster policies, ${result.disagreements.length} disagreements ` +
          `(${Math.round(result.durationMs)} ms)`,
      );
      assert.ok(result.probes >= 75, `only ${result.probes} probes`);
      assert.ok(result.allowed > 0 && result.allowed < result.probes, 'both verdicts occur');
      assert.equal(
        result.disagreements.length,
        0,
        `${result.disagreements.length} disagreements:\n${result.disagreements.slice(0, 5).join('\n\n')}`,
      );
    });
  }

  test('with cluster policies: enough probes, no disagreement, every form drawn and every tier path taken', (t) => {
    t.diagnostic(
      `${CLUSTER_SEEDS.length} seeds with cluster policies: ${tally.probes} probes, ${tally.disagreements} disagreements`,
    );
    for (const [path, count] of [...tally.paths].sort()) t.diagnostic(`${count} directions: ${path}`);
    for (const [form, count] of [...tally.forms].sort()) t.diagnostic(`${count} rounds: ${form}`);
    assert.equal(tally.disagreements, 0);
    // Other seeds (NETPOL_ASSERT_CLUSTER_SEEDS) may be too few for the count, every form or every path.
    if (process.env.NETPOL_ASSERT_CLUSTER_SEEDS !== undefined) return;
    assert.ok(tally.probes >= CLUSTER_PROBES_WANTED, `only ${tally.probes} probes`);
    for (const form of CLUSTER_POLICY_FORMS)
      assert.ok((tally.forms.get(form) ?? 0) > 0, `never drawn: ${form}`);
    for (const path of TIER_PATHS) assert.ok((tally.paths.get(path) ?? 0) > 0, `never decided: ${path}`);
  });
});

/** What the seeds with cluster policies add up to. */
interface ClusterTally {
  probes: number;
  disagreements: number;
  /** Rounds whose policies held each form. */
  readonly forms: Map<ClusterPolicyForm, number>;
  /** Directions of probes decided along each tier path (TIER_PATHS). */
  readonly paths: Map<string, number>;
}

interface ClusterSeedResult {
  readonly probes: number;
  readonly allowed: number;
  readonly policies: number;
  readonly clusterPolicies: number;
  readonly disagreements: readonly string[];
  readonly durationMs: number;
}

/**
 * One seed with cluster policies: a random cluster with labelled nodes and host-network
 * pods, then three rounds of random NetworkPolicies and cluster policies (forms as
 * ROUND_FORMS), every pair probed and compared with the model's verdict.
 */
async function clusterSeed(
  seed: number,
  plane: DataPlane,
  api: ApiServer,
  tally: ClusterTally,
): Promise<ClusterSeedResult> {
  const started = performance.now();
  const rng = new Rng(seed);
  const nodes = randomNodes(rng);
  const cluster = withHostNetworkPods(rng, randomCluster(rng, seed), seed);
  let status = await plane.apply(desiredOf(cluster, [], { nodes, clusterPolicies: [] }));
  const hostNetwork = new Set(cluster.pods.filter((p) => p.hostNetwork === true).map((p) => p.name));
  const anchors = {
    podIps: status.pods.flatMap((p) => (p.phase === 'Running' && !hostNetwork.has(p.name) ? [p.ip] : [])),
    outsideIps: status.externalHosts.map((h) => h.address),
    nodeIps: status.nodes.map((n) => n.address),
  };
  const disagreements: string[] = [];
  let probes = 0;
  let allowed = 0;
  let policyCount = 0;
  let clusterPolicyCount = 0;
  for (let round = 0; round < POLICY_ROUNDS; round++) {
    const drawn = randomPolicies(rng, anchors, { portRanges: servesEndPort(api.version) });
    const drawnClusterPolicies = randomClusterPolicies(rng, anchors);
    const policies: RoundPolicies = {
      drawn,
      stored: await Promise.all(drawn.map((policy) => storedByServer(api, policy))),
    };
    const clusterPolicies: RoundClusterPolicies = {
      drawn: drawnClusterPolicies,
      stored: await Promise.all(drawnClusterPolicies.map((policy) => storedClusterPolicy(api, policy))),
    };
    policyCount += drawn.length;
    clusterPolicyCount += drawnClusterPolicies.length;
    for (const form of clusterPolicyFormsOf(drawnClusterPolicies))
      tally.forms.set(form, (tally.forms.get(form) ?? 0) + 1);
    const forms = ROUND_FORMS[round] ?? assert.fail(`no forms for round ${round}`);
    const tiersOf = (form: PolicyForm): Tiers => ({ nodes, clusterPolicies: clusterPolicies[form] });
    status = await plane.apply(desiredOf(cluster, policies[forms.dataPlane], tiersOf(forms.dataPlane)));
    const engine = modelOf(cluster, status, policies[forms.model], tiersOf(forms.model));
    // The same cluster policies without the NetworkPolicies: where the Baseline tier would decide.
    const tiersAlone = modelOf(cluster, status, [], tiersOf(forms.model));
    const cases = casesOf(sidesOf(cluster, status));
    const outcomes = await observe(cases);
    cases.forEach((c, i) => {
      const observed = outcomes[i] as ProbeOutcome;
      const explain = () =>
        describeCase(seed, round, c, observed, engine, cluster, status, policies, {
          nodes,
          policies: clusterPolicies,
        });
      if (observed !== 'connected' && observed !== 'timeout' && observed !== 'unreachable')
        throw new Error(`test bug: ${observed}\n${explain()}`);
      const traffic = {
        source: c.source.model,
        destination: c.destination.model,
        port: c.port,
        protocol: c.protocol,
      };
      const verdict = engine.verdict(traffic);
      for (const path of tierPathsOf(verdict, tiersAlone.verdict(traffic)))
        tally.paths.set(path, (tally.paths.get(path) ?? 0) + 1);
      if (verdict.allowed) allowed++;
      if (verdict.allowed !== (observed === 'connected')) disagreements.push(explain());
    });
    probes += cases.length;
  }
  tally.probes += probes;
  tally.disagreements += disagreements.length;
  return {
    probes,
    allowed,
    policies: policyCount,
    clusterPolicies: clusterPolicyCount,
    disagreements,
    durationMs: performance.now() - started,
  };
}

/** How the tiers meet: each path must decide some directions of some probes over the default seeds. */
const TIER_PATHS = [
  'Admin Accept decides',
  'Admin Deny decides',
  'Admin Pass, then the NetworkPolicy tier decides',
  'Admin Pass, then the Baseline tier decides',
  'the NetworkPolicy tier decides where the Baseline tier would have',
  'Baseline Accept decides',
  'Baseline Deny decides',
  'Baseline Pass, then the default allows',
  'Admin and Baseline match nothing, the default allows',
] as const;

type TierPath = (typeof TIER_PATHS)[number];

/** The tier paths one verdict's directions took; `tiersAlone` is the verdict without the NetworkPolicies. */
function tierPathsOf(verdict: PolicyVerdict, tiersAlone: PolicyVerdict): TierPath[] {
  return [
    ...directionPaths(verdict.egress, tiersAlone.egress),
    ...directionPaths(verdict.ingress, tiersAlone.ingress),
  ];
}

function directionPaths(direction: DirectionVerdict, alone: DirectionVerdict): TierPath[] {
  const trail = direction.tiers;
  if (trail === undefined) return [];
  const actionOf = (tier: 'Admin' | 'Baseline') => {
    const step = trail.steps.find((s) => s.tier === tier && s.outcome === 'matched');
    return step?.outcome === 'matched' ? step.action : undefined;
  };
  const unmatched = (tier: 'Admin' | 'Baseline') =>
    trail.steps.some((step) => step.tier === tier && step.outcome === 'noMatch');
  const admin = actionOf('Admin');
  const baseline = actionOf('Baseline');
  const paths: TierPath[] = [];
  const add = (when: boolean, path: TierPath) => void (when && paths.push(path));
  add(trail.decidedBy === 'Admin' && admin === 'Accept', 'Admin Accept decides');
  add(trail.decidedBy === 'Admin' && admin === 'Deny', 'Admin Deny decides');
  add(
    admin === 'Pass' && trail.decidedBy === 'NetworkPolicy',
    'Admin Pass, then the NetworkPolicy tier decides',
  );
  add(admin === 'Pass' && trail.decidedBy === 'Baseline', 'Admin Pass, then the Baseline tier decides');
  add(
    trail.decidedBy === 'NetworkPolicy' && alone.tiers?.decidedBy === 'Baseline',
    'the NetworkPolicy tier decides where the Baseline tier would have',
  );
  add(trail.decidedBy === 'Baseline' && baseline === 'Accept', 'Baseline Accept decides');
  add(trail.decidedBy === 'Baseline' && baseline === 'Deny', 'Baseline Deny decides');
  add(baseline === 'Pass', 'Baseline Pass, then the default allows');
  add(
    trail.decidedBy === 'default' && unmatched('Admin') && unmatched('Baseline'),
    'Admin and Baseline match nothing, the default allows',
  );
  return paths;
}

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
