/**
 * The planner: expands each assertion into the (source, destination, port) pairs it
 * stands for, as the contract's "What an assertion means" says. Pure: it reads a
 * ClusterState and writes a ProbePlan; the model runner (`predict`) and the agents runner
 * (`run`) both observe the same plan.
 */
import type { ClusterState, ContainerPort, Labels, Namespace, Pod, Protocol } from '../policy/index.js';
import { labelsSatisfying, matchesSelector, withNamespaceNameLabels } from '../policy/index.js';
import { firstHostAddress, parseCidr } from '../shared/index.js';
import type { Assertion, EndpointSpec, NamespaceSpec, PodSpec, Suite } from '../suite/index.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import { assertNever } from '../shared/index.js';
import { AssertionProblems } from './plan-problem.js';
import type { PlanProblem } from './plan-problem.js';

/** A pod the runner must create because no existing pod matches an endpoint. */
export interface SyntheticPod extends Pod {
  readonly role: 'source' | 'responder';
}

export type ProbeEndpoint =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly synthetic: boolean; readonly via?: string }
  | { readonly kind: 'address'; readonly ip: string; readonly display: string };

export interface ProbePair {
  /** Identical probes share a key and run once. */
  readonly key: string;
  readonly source: ProbeEndpoint;
  readonly destination: ProbeEndpoint;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PlannedAssertion {
  readonly assertion: Assertion;
  readonly pairs: readonly ProbePair[];
  /** Why the assertion, or part of it, cannot be probed: it is inconclusive then. */
  readonly problems: readonly PlanProblem[];
}

export interface ProbePlan {
  readonly suites: readonly { readonly suite: Suite; readonly assertions: readonly PlannedAssertion[] }[];
  /** Every distinct pair once, by key. */
  readonly pairs: ReadonlyMap<string, ProbePair>;
  readonly syntheticPods: readonly SyntheticPod[];
  readonly syntheticNamespaces: readonly Namespace[];
}

/** Synthetic pods and namespaces are named from their labels, so plans are reproducible. */
const SYNTHETIC_PREFIX = 'npa-';

export function planProbes(suites: readonly Suite[], state: ClusterState): ProbePlan {
  // Namespace selectors match as the engine matches them: on labels that include the name.
  const planner = new Planner(withNamespaceNameLabels(state));
  const planned = suites.map((suite) => ({
    suite,
    assertions: suite.assertions.map((a) => planner.planAssertion(a)),
  }));
  return {
    suites: planned,
    pairs: planner.pairs,
    syntheticPods: [...planner.syntheticPods.values()],
    syntheticNamespaces: [...planner.syntheticNamespaces.values()],
  };
}

class Planner {
  readonly pairs = new Map<string, ProbePair>();
  readonly syntheticPods = new Map<string, SyntheticPod>();
  readonly syntheticNamespaces = new Map<string, Namespace>();
  private readonly namespaces: Map<string, Namespace>;

  constructor(private readonly state: ClusterState) {
    this.namespaces = new Map(state.namespaces.map((ns) => [ns.name, ns]));
  }

  planAssertion(assertion: Assertion): PlannedAssertion {
    const problems = new AssertionProblems(assertion.location);
    if (assertion.skip !== undefined) return { assertion, pairs: [], problems: problems.list };
    const sources = this.resolve(assertion.from, 'source', assertion, problems);
    const destinations = this.resolve(assertion.to, 'responder', assertion, problems);
    const pairs: ProbePair[] = [];
    for (const destination of destinations) {
      const ports = this.portsFor(assertion, destination, problems);
      for (const source of sources) {
        if (sameEndpoint(source, destination)) continue;
        for (const { port, protocol } of ports) pairs.push(this.intern(source, destination, port, protocol));
      }
    }
    if (pairs.length === 0 && problems.length === 0)
      problems.add('NO_PAIRS', 'no (source, destination) pair to probe');
    return { assertion, pairs, problems: problems.list };
  }

  private intern(
    source: ProbeEndpoint,
    destination: ProbeEndpoint,
    port: number,
    protocol: Protocol,
  ): ProbePair {
    const key = `${endpointKey(source)}>${endpointKey(destination)}:${port}/${protocol}`;
    let pair = this.pairs.get(key);
    if (!pair) {
      pair = { key, source, destination, port, protocol };
      this.pairs.set(key, pair);
    }
    return pair;
  }

  private resolve(
    spec: EndpointSpec,
    role: SyntheticPod['role'],
    assertion: Assertion,
    problems: AssertionProblems,
  ): ProbeEndpoint[] {
    switch (spec.kind) {
      case 'pods':
        return this.resolvePods(spec.namespace, spec.pods, role, assertion, problems);
      case 'pod': {
        const pod = this.state.pods.find((p) => p.namespace === spec.namespace && p.name === spec.name);
        if (!pod) problems.add('POD_NOT_FOUND', `pod ${spec.namespace}/${spec.name} not found`);
        return pod ? [podEndpoint(pod)] : [];
      }
      case 'workload': {
        const kind = WORKLOAD_KINDS[spec.workload];
        const pods = this.state.pods.filter(
          (p) => p.namespace === spec.namespace && p.owner?.kind === kind && p.owner.name === spec.name,
        );
        if (pods.length === 0)
          problems.add('NO_PODS', `${spec.workload}:${spec.namespace}/${spec.name} has no pods`);
        return pods.map(podEndpoint);
      }
      case 'service':
        return this.resolveService(spec.namespace, spec.name, problems);
      case 'address':
        return [addressEndpoint(spec.address, spec.prefix)];
      case 'node': {
        const node = this.state.nodes.find((n) => n.name === spec.name);
        const ip = node?.addresses[0];
        if (!ip) problems.add('NODE_NOT_FOUND', `node ${spec.name} not found or has no address`);
        return ip ? [{ kind: 'address', ip, display: `node:${spec.name}` }] : [];
      }
      default:
        return assertNever(spec);
    }
  }

  private resolvePods(
    nsSpec: NamespaceSpec,
    podSpec: PodSpec,
    role: SyntheticPod['role'],
    assertion: Assertion,
    problems: AssertionProblems,
  ): ProbeEndpoint[] {
    const namespaces = this.matchNamespaces(nsSpec);
    const names = new Set(namespaces.map((ns) => ns.name));
    const pods = this.state.pods.filter((p) => names.has(p.namespace) && matchesPodSpec(podSpec, p.labels));
    if (pods.length > 0) return pods.map(podEndpoint);
    const synthetic = this.synthesize(nsSpec, podSpec, namespaces, role, assertion, problems);
    return synthetic ? [{ kind: 'pod', pod: synthetic, synthetic: true }] : [];
  }

  private matchNamespaces(spec: NamespaceSpec): Namespace[] {
    switch (spec.kind) {
      case 'name': {
        const ns = this.namespaces.get(spec.name) ?? this.syntheticNamespaces.get(spec.name);
        return ns ? [ns] : [];
      }
      case 'all':
        return [...this.state.namespaces];
      case 'selector':
        return [...this.state.namespaces, ...this.syntheticNamespaces.values()].filter((ns) =>
          matchesSelector(spec.selector, ns.labels),
        );
      default:
        return assertNever(spec);
    }
  }

  /** The contract: a source or destination that matches no pod gets a short-lived pod with exactly those labels. */
  private synthesize(
    nsSpec: NamespaceSpec,
    podSpec: PodSpec,
    namespaces: Namespace[],
    role: SyntheticPod['role'],
    assertion: Assertion,
    problems: AssertionProblems,
  ): SyntheticPod | undefined {
    const labels = podSpec.kind === 'all' ? {} : labelsSatisfying(podSpec.selector);
    if (!labels) {
      problems.add('UNSATISFIABLE_SELECTOR', 'no pod can carry labels that satisfy the pod selector');
      return undefined;
    }
    const namespace = namespaces[0] ?? this.syntheticNamespace(nsSpec, problems);
    if (!namespace) return undefined;
    const ports: ContainerPort[] =
      role === 'responder' && assertion.port?.kind === 'number'
        ? [{ port: assertion.port.port, protocol: assertion.protocol }]
        : [];
    if (role === 'responder' && assertion.port?.kind !== 'number') {
      problems.add(
        'NEEDS_PORT_NUMBER',
        'a destination with no matching pod needs a port number, so a responder can listen on it',
      );
      return undefined;
    }
    const name = `${SYNTHETIC_PREFIX}${role === 'source' ? 'src' : 'dst'}-${shortHash(
      `${namespace.name}/${JSON.stringify(labels)}/${ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`,
    )}`;
    const existing = this.syntheticPods.get(`${namespace.name}/${name}`);
    if (existing) return existing;
    const pod: SyntheticPod = {
      namespace: namespace.name,
      name,
      labels,
      ips: [],
      hostNetwork: false,
      ports,
      role,
    };
    this.syntheticPods.set(`${namespace.name}/${name}`, pod);
    return pod;
  }

  private syntheticNamespace(spec: NamespaceSpec, problems: AssertionProblems): Namespace | undefined {
    let name: string;
    let labels: Labels;
    switch (spec.kind) {
      case 'name':
        name = spec.name;
        labels = {};
        break;
      case 'all':
        name = 'default';
        labels = {};
        break;
      case 'selector': {
        const wanted = labelsSatisfying(spec.selector);
        if (!wanted) {
          problems.add(
            'UNSATISFIABLE_SELECTOR',
            'no namespace can carry labels that satisfy the namespace selector',
          );
          return undefined;
        }
        const given = wanted[NAMESPACE_NAME_LABEL];
        // A namespace that exists keeps its labels: a probe namespace must never stand in for it.
        if (given !== undefined && this.namespaces.has(given)) {
          problems.add(
            'NAMESPACE_MISMATCH',
            `namespace ${given} exists but its labels do not match the namespace selector`,
          );
          return undefined;
        }
        name = given ?? `${SYNTHETIC_PREFIX}ns-${shortHash(JSON.stringify(wanted))}`;
        labels = wanted;
        break;
      }
      default:
        return assertNever(spec);
    }
    const namespace: Namespace = { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } };
    this.syntheticNamespaces.set(name, namespace);
    return namespace;
  }

  /** A Service stands for each pod behind it; policies see the pod, never the ClusterIP. */
  private resolveService(namespace: string, name: string, problems: AssertionProblems): ProbeEndpoint[] {
    const service = this.state.services.find((s) => s.namespace === namespace && s.name === name);
    if (!service) {
      problems.add('SERVICE_NOT_FOUND', `service ${namespace}/${name} not found`);
      return [];
    }
    const selector = service.selector;
    const pods = selector
      ? this.state.pods.filter((p) => p.namespace === namespace && labelsInclude(p.labels, selector))
      : [];
    if (pods.length === 0) problems.add('NO_ENDPOINTS', `service ${namespace}/${name} has no endpoints`);
    return pods.map((pod) => ({ kind: 'pod', pod, synthetic: false, via: `svc:${namespace}/${name}` }));
  }

  private portsFor(
    assertion: Assertion,
    destination: ProbeEndpoint,
    problems: AssertionProblems,
  ): { port: number; protocol: Protocol }[] {
    const declared = destination.kind === 'pod' ? destination.pod.ports : [];
    const where = describeEndpoint(destination);
    const port = assertion.port;
    if (port?.kind === 'number') {
      if (destination.kind === 'pod' && destination.via) {
        return this.servicePorts(destination.via, destination.pod, port.port, assertion.protocol, problems);
      }
      return [{ port: port.port, protocol: assertion.protocol }];
    }
    if (port?.kind === 'name') {
      const match = declared.find((p) => p.name === port.name && p.protocol === assertion.protocol);
      if (!match)
        problems.add('NO_SUCH_PORT', `${where} declares no ${assertion.protocol} port named "${port.name}"`);
      return match ? [{ port: match.port, protocol: match.protocol }] : [];
    }
    if (declared.length === 0) problems.add('NO_PORTS', `no port given and ${where} declares none`);
    return declared.map((p) => ({ port: p.port, protocol: p.protocol }));
  }

  /** A port number on a Service is the Service's port: the pod sees its targetPort. */
  private servicePorts(
    via: string,
    pod: Pod,
    port: number,
    protocol: Protocol,
    problems: AssertionProblems,
  ): { port: number; protocol: Protocol }[] {
    const [namespace, name] = via.slice('svc:'.length).split('/');
    const service = this.state.services.find((s) => s.namespace === namespace && s.name === name);
    const servicePort = service?.ports.find((p) => p.port === port && p.protocol === protocol);
    if (!servicePort) return [{ port, protocol }];
    const target = servicePort.targetPort;
    if (typeof target === 'number') return [{ port: target, protocol }];
    const named = pod.ports.find((p) => p.name === target && p.protocol === protocol);
    if (!named)
      problems.add(
        'NO_SUCH_PORT',
        `${pod.namespace}/${pod.name} declares no port named "${target}" (${via})`,
      );
    return named ? [{ port: named.port, protocol }] : [];
  }
}

const WORKLOAD_KINDS = { deploy: 'Deployment', sts: 'StatefulSet', ds: 'DaemonSet' } as const;

function matchesPodSpec(spec: PodSpec, labels: Labels): boolean {
  return spec.kind === 'all' || matchesSelector(spec.selector, labels);
}

function labelsInclude(labels: Labels, wanted: Labels): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** A CIDR stands for its first host address; a plain address for itself. */
function addressEndpoint(address: string, prefix: number): ProbeEndpoint {
  const parsed = parseCidr(`${address}/${prefix}`);
  const ip = parsed.ok ? firstHostAddress(parsed.cidr) : address;
  return { kind: 'address', ip, display: ip === address ? address : `${ip} (in ${address}/${prefix})` };
}

function podEndpoint(pod: Pod): ProbeEndpoint {
  return { kind: 'pod', pod, synthetic: false };
}

function endpointKey(e: ProbeEndpoint): string {
  return e.kind === 'pod' ? `pod:${e.pod.namespace}/${e.pod.name}` : `ip:${e.ip}`;
}

function sameEndpoint(a: ProbeEndpoint, b: ProbeEndpoint): boolean {
  return endpointKey(a) === endpointKey(b);
}

export function describeEndpoint(e: ProbeEndpoint): string {
  if (e.kind === 'address') return e.display;
  const name = `${e.pod.namespace}/${e.pod.name}`;
  return e.via ? `${name} (${e.via})` : name;
}

/** FNV-1a, enough to name synthetic objects stably; not for security. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0').slice(0, 7);
}
