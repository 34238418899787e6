/**
 * The lab's data plane: the nodes' and pods' network, their responders and cgroups, and
 * policy enforcement, driven by a desired state. `apply` reconciles (idempotent);
 * `destroy` and `DataPlane.cleanLeftovers` remove everything, the latter also for a lab
 * whose process died.
 */
import { addressAt, AddressPool, blockSize, blocksOverlap, formatAddress } from '../addresses/index.js';
import { compileRulesets, formatCni, renderRuleset } from '../enforcer/index.js';
import type { CniMode, EnforcementInput, LinkFaults } from '../enforcer/index.js';
import type { Labels } from '../../policy/index.js';
import { deleteNetns, detectCgroupLayout, labCgroupRoots, mapLimit } from '../host/index.js';
import { defaultCacheDir, responderBinary } from '../responder/index.js';
import { lossyLinkBinary } from '../link-faults/index.js';
import type { CleanOptions, CleanupReport } from './clean-leftovers.js';
import { cleanLeftovers } from './clean-leftovers.js';
import type { LabContext, NodeEntry } from './context.js';
import type { DesiredPod, DesiredState } from './desired-state.js';
import { DesiredStateInvalid, desiredStateProblems, POD_IP_ANNOTATION } from './desired-state.js';
import { defaultStateRoot, LabNames, podKey } from '../names/index.js';
import type { OutsideHostEntry } from './outside-host-lifecycle.js';
import {
  createOutsideHostEntry,
  deleteOutsideHostEntry,
  outsideHostFingerprint,
  stopOutsideHostProcesses,
} from './outside-host-lifecycle.js';
import type { PodEntry } from './pod-lifecycle.js';
import { createPod, deletePod, podFingerprint, stopPodProcesses } from './pod-lifecycle.js';
import { PolicyLoader } from './policy-loader.js';
import { checkPrerequisites, labBlock, LabUnavailable, refuseExisting, resolveCni } from './prerequisites.js';
import type { Plan } from './reconcile-plan.js';
import { notRunningStatus, pinOf, planOf } from './reconcile-plan.js';
import { wantedRoutes } from './routes.js';
import { writeLabRecord } from './state-store.js';
import type { DataPlaneStatus, PodStatus } from './status.js';
import type { RouteTable } from './topology.js';
import { createFabric, createNode, deleteLink, forgetNeighbours, syncRoutes } from './topology.js';

export interface DataPlaneOptions {
  /** `--cni` mode (default `full`), with `+lossy` for lossy pod links. */
  readonly cni?: CniMode | string;
  /** Where pods take addresses (default 198.18.0.0/16); inside 198.18.0.0/15. */
  readonly podRange?: string;
  /** Where nodes take addresses (default 198.19.0.0/24); inside 198.18.0.0/15, apart from the pod range. */
  readonly nodeRange?: string;
  /** Default `${XDG_RUNTIME_DIR:-/run}/netpol-assert`. */
  readonly stateRoot?: string;
  /** Where the responder is built (default `${NETPOL_ASSERT_CACHE:-~/.cache/netpol-assert}`). */
  readonly cacheDir?: string;
  /** Place responders in kubepods cgroups (default true). */
  readonly cgroups?: boolean;
  /** Remove a previous lab of the same name first instead of refusing (default false). */
  readonly replace?: boolean;
  readonly log?: (message: string) => void;
}

const POD_CONCURRENCY = 4;

export class DataPlane {
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly pods = new Map<string, PodEntry>();
  private readonly outsideHosts = new Map<string, OutsideHostEntry>();
  /** Lab routes installed per node or outside host namespace. */
  private readonly routes = new Map<string, RouteTable>();
  private readonly pool: AddressPool;
  private namespaces: DesiredState['namespaces'] = [];
  private policies: DesiredState['policies'] = [];
  private clusterPolicies: NonNullable<DesiredState['clusterPolicies']> = [];
  private nodeLabels: ReadonlyMap<string, Labels> = new Map();
  private notRunning: PodStatus[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly loader: PolicyLoader;
  private destroyed = false;

  private constructor(
    private readonly context: LabContext,
    readonly mode: CniMode,
    private readonly stateRoot: string,
    private readonly createdAt: string,
  ) {
    this.pool = new AddressPool(context.podBlock);
    this.loader = new PolicyLoader(mode, context.log);
  }

  get names(): LabNames {
    return this.context.names;
  }

  /** The pod links' faults (`--cni ...+lossy`), if any. */
  get links(): LinkFaults | undefined {
    return this.context.links?.faults;
  }

  static async create(labName: string, options: DataPlaneOptions = {}): Promise<DataPlane> {
    const names = new LabNames(labName);
    const { mode, links } = resolveCni(options.cni);
    const podBlock = labBlock(options.podRange ?? '198.18.0.0/16', 'pod range');
    const nodeBlock = labBlock(options.nodeRange ?? '198.19.0.0/24', 'node range');
    if (blocksOverlap(podBlock, nodeBlock)) throw new LabUnavailable('the pod and node ranges overlap');
    await checkPrerequisites();
    const stateRoot = options.stateRoot ?? defaultStateRoot();
    if (options.replace === true) await cleanLeftovers({ lab: names.lab }, { stateRoot });
    else await refuseExisting(names, stateRoot);
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const binary = await responderBinary(cacheDir);
    const layout = options.cgroups === false ? { kind: 'none' as const } : await detectCgroupLayout();
    const context: LabContext = {
      names,
      responderBinary: binary,
      ...(links === undefined ? {} : { links: { faults: links, binary: await lossyLinkBinary(cacheDir) } }),
      cgroupRoots: labCgroupRoots(layout, names.cgroupParent),
      podBlock,
      nodeBlock,
      log: options.log ?? (() => undefined),
    };
    const plane = new DataPlane(context, mode, stateRoot, new Date().toISOString());
    try {
      await plane.saveRecord();
      await createFabric(names.fabricNetns);
      await plane.saveRecord();
    } catch (error) {
      await cleanLeftovers({ lab: names.lab }, { stateRoot }).catch(() => undefined);
      throw error;
    }
    return plane;
  }

  /** Removes every namespace, process, cgroup and state folder of a lab (or of every lab). */
  static cleanLeftovers(
    target: { readonly lab: string } | 'all',
    options?: CleanOptions,
  ): Promise<CleanupReport> {
    return cleanLeftovers(target, options);
  }

  /** Makes the lab match `desired`. Calls are queued; each one sees the previous one done. */
  apply(desired: DesiredState): Promise<DataPlaneStatus> {
    const run = this.queue.then(() => this.reconcile(desired));
    this.queue = run.catch(() => undefined);
    return run;
  }

  status(): DataPlaneStatus {
    const running = [...this.pods.values()].map((entry): PodStatus => {
      const pod = entry.desired;
      return {
        phase: 'Running',
        namespace: pod.namespace,
        name: pod.name,
        uid: pod.uid,
        nodeName: entry.node.name,
        hostNetwork: pod.hostNetwork === true,
        ip: entry.ip,
        netns: entry.netns,
        pid: entry.responder.pid,
        cgroups: entry.cgroups,
        containerId: entry.containerId,
        skippedPorts: entry.responder.skipped,
      };
    });
    return {
      lab: this.names.lab,
      cni: formatCni(this.mode, this.links),
      nodes: [...this.nodes.values()].map(({ name, address, netns }) => ({ name, address, netns })),
      pods: [...running, ...this.notRunning],
      externalHosts: [...this.outsideHosts.values()].map((host) => ({
        name: host.name,
        address: host.address,
        netns: host.netns,
        pid: host.responder.pid,
        skippedPorts: host.responder.skipped,
      })),
      policyRevision: this.loader.revision,
      enforcedRevision: this.loader.enforcedRevision,
    };
  }

  /** Stops everything and removes all the lab made. Safe to call twice. */
  async destroy(): Promise<CleanupReport> {
    this.destroyed = true;
    await this.queue;
    await this.loader.stop();
    await Promise.all([
      ...[...this.pods.values()].map(stopPodProcesses),
      ...[...this.outsideHosts.values()].map(stopOutsideHostProcesses),
    ]);
    this.pods.clear();
    this.outsideHosts.clear();
    this.nodes.clear();
    return cleanLeftovers({ lab: this.names.lab }, { stateRoot: this.stateRoot });
  }

  /** The steps, in order: check, remove what is no longer wanted, add what is missing, route, enforce. */
  private async reconcile(desired: DesiredState): Promise<DataPlaneStatus> {
    if (this.destroyed) throw new LabUnavailable(`lab ${this.names.lab} was destroyed`);
    const problems = desiredStateProblems(desired);
    if (problems.length > 0) throw new DesiredStateInvalid(problems);
    const plan = planOf(desired);
    await this.removeUnwanted(plan);
    const failed = await this.addMissing(plan);
    this.notRunning = [...plan.notRunning, ...failed];
    await this.syncAllRoutes();
    this.namespaces = desired.namespaces;
    this.policies = desired.policies;
    this.clusterPolicies = desired.clusterPolicies ?? [];
    this.nodeLabels = new Map(desired.nodes.map((node) => [node.name, node.labels ?? {}]));
    await this.enforce();
    await this.saveRecord();
    return this.status();
  }

  /** Pods that are gone or changed (a pod is immutable but for labels), then outside hosts, then nodes. */
  private async removeUnwanted(plan: Plan): Promise<void> {
    const podsToRemove = [...this.pods.values()].filter((entry) => {
      const wanted = plan.schedulable.get(entry.key);
      return wanted === undefined || podFingerprint(wanted) !== entry.fingerprint;
    });
    await mapLimit(podsToRemove, POD_CONCURRENCY, (entry) => this.removePod(entry));
    for (const entry of [...this.outsideHosts.values()]) {
      const wanted = plan.hosts.get(entry.name);
      if (wanted === undefined || outsideHostFingerprint(wanted) !== entry.fingerprint) {
        await this.removeOutsideHost(entry);
      }
    }
    for (const entry of [...this.nodes.values()]) {
      if (!plan.nodes.has(entry.name)) await this.removeNode(entry);
    }
  }

  /** Nodes, outside hosts, then pods; running pods take their new labels. Returns the pods that failed. */
  private async addMissing(plan: Plan): Promise<PodStatus[]> {
    const fabricAddresses: string[] = [];
    for (const name of plan.nodes) {
      if (!this.nodes.has(name)) fabricAddresses.push(await this.addNode(name));
    }
    for (const host of plan.hosts.values()) {
      if (!this.outsideHosts.has(host.name)) {
        const entry = await createOutsideHostEntry(this.context, host);
        this.outsideHosts.set(host.name, entry);
        fabricAddresses.push(entry.address);
      }
    }
    await this.forgetFabricNeighbours(fabricAddresses);
    for (const entry of this.pods.values()) entry.desired = plan.schedulable.get(entry.key) ?? entry.desired;
    return this.addPods([...plan.schedulable.values()].filter((pod) => !this.pods.has(podKey(pod))));
  }

  /** Every namespace on the fabric forgets the old MACs of addresses that were just made again. */
  private async forgetFabricNeighbours(addresses: readonly string[]): Promise<void> {
    const onFabric = [...this.nodes.values(), ...this.outsideHosts.values()];
    await Promise.all(
      onFabric.map((entry) =>
        forgetNeighbours(
          entry.netns,
          addresses.filter((address) => address !== entry.address),
        ),
      ),
    );
  }

  /** Returns the new node's address. */
  private async addNode(name: string): Promise<string> {
    const used = new Set([...this.nodes.values()].map((node) => node.index));
    let index = 0;
    while (used.has(index)) index++;
    const offset = BigInt(index + 1);
    if (offset >= blockSize(this.context.nodeBlock) - 1n) {
      throw new LabUnavailable(`the node range has no address left for node ${name}`);
    }
    const address = formatAddress(addressAt(this.context.nodeBlock, offset));
    const entry: NodeEntry = {
      name,
      index,
      netns: this.names.nodeNetns(index),
      fabricLink: this.names.nodeFabricLink(index),
      address,
    };
    try {
      await createNode(this.names.fabricNetns, entry, this.context.nodeBlock);
    } catch (error) {
      await deleteLink(this.names.fabricNetns, entry.fabricLink).catch(() => undefined);
      await deleteNetns(entry.netns).catch(() => undefined);
      throw error;
    }
    this.nodes.set(name, entry);
    return address;
  }

  private async removeNode(entry: NodeEntry): Promise<void> {
    await deleteLink(this.names.fabricNetns, entry.fabricLink);
    await deleteNetns(entry.netns);
    this.nodes.delete(entry.name);
    this.routes.delete(entry.netns);
    this.loader.forget(entry.netns);
  }

  private async removeOutsideHost(entry: OutsideHostEntry): Promise<void> {
    await deleteOutsideHostEntry(this.context, entry);
    this.outsideHosts.delete(entry.name);
    this.routes.delete(entry.netns);
  }

  private async removePod(entry: PodEntry): Promise<void> {
    await deletePod(entry);
    this.pods.delete(entry.key);
    if (entry.hostLink !== undefined) this.pool.release(entry.ip);
  }

  /** Addresses first (pinned ones before the rest), then the pods, a few at a time. */
  private async addPods(pods: readonly DesiredPod[]): Promise<PodStatus[]> {
    const failed: PodStatus[] = [];
    const planned: { pod: DesiredPod; node: NodeEntry; ip: string }[] = [];
    const pinnedFirst = [...pods].sort(
      (a, b) => Number(pinOf(b) !== undefined) - Number(pinOf(a) !== undefined),
    );
    for (const pod of pinnedFirst) {
      const node = this.nodes.get(pod.nodeName ?? '') as NodeEntry;
      const problem = this.addressProblem(pod, node, planned);
      if (problem !== undefined) {
        failed.push(notRunningStatus(pod, 'Failed', problem));
        continue;
      }
      const pin = pinOf(pod);
      const owner = `${pod.namespace}/${pod.name}`;
      const ip =
        pod.hostNetwork === true
          ? node.address
          : pin !== undefined
            ? this.pool.take(pin, owner)
            : this.pool.allocate(owner);
      planned.push({ pod, node, ip });
    }
    await mapLimit(planned, POD_CONCURRENCY, async ({ pod, node, ip }) => {
      try {
        const entry = await createPod(this.context, pod, node, ip);
        this.pods.set(entry.key, entry);
      } catch (error) {
        if (pod.hostNetwork !== true) this.pool.release(ip);
        this.context.log(`pod ${pod.namespace}/${pod.name}: ${String(error)}`);
        failed.push(notRunningStatus(pod, 'Failed', error instanceof Error ? error.message : String(error)));
      }
    });
    return failed;
  }

  private addressProblem(
    pod: DesiredPod,
    node: NodeEntry,
    planned: readonly { pod: DesiredPod; node: NodeEntry }[],
  ): string | undefined {
    if (pod.hostNetwork === true) {
      const others = [
        ...[...this.pods.values()].map((entry) => ({ pod: entry.desired, node: entry.node })),
        ...planned,
      ].filter((other) => other.pod.hostNetwork === true && other.node.name === node.name);
      const clash = pod.ports.find((port) =>
        others.some((other) =>
          other.pod.ports.some((p) => p.port === port.port && p.protocol === port.protocol),
        ),
      );
      return clash === undefined
        ? undefined
        : `hostNetwork port ${clash.port}/${clash.protocol} is already used on node ${node.name}`;
    }
    const pin = pinOf(pod);
    if (pin === undefined) return undefined;
    const problem = this.pool.pinProblem(pin);
    return problem === undefined ? undefined : `annotation ${POD_IP_ANNOTATION}: ${problem}`;
  }

  private async syncAllRoutes(): Promise<void> {
    const wanted = wantedRoutes(
      [...this.nodes.values()],
      [...this.outsideHosts.values()],
      [...this.pods.values()],
    );
    await Promise.all(
      [...wanted].map(async ([netns, table]) => {
        this.routes.set(netns, await syncRoutes(netns, this.routes.get(netns) ?? new Map(), table));
      }),
    );
  }

  private enforcementInput(): EnforcementInput {
    return {
      namespaces: this.namespaces,
      nodes: [...this.nodes.values()].map(({ name, address }) => ({
        name,
        address,
        labels: this.nodeLabels.get(name) ?? {},
      })),
      pods: [...this.pods.values()].map((entry) => ({
        namespace: entry.desired.namespace,
        name: entry.desired.name,
        labels: entry.desired.labels,
        ip: entry.ip,
        nodeName: entry.node.name,
        hostNetwork: entry.desired.hostNetwork === true,
        ports: entry.desired.ports,
        ...(entry.hostLink === undefined ? {} : { hostLink: entry.hostLink }),
      })),
      policies: this.policies,
      clusterPolicies: this.clusterPolicies,
    };
  }

  private async enforce(): Promise<void> {
    const scripts = compileRulesets(this.enforcementInput(), this.mode).map((ruleset) => ({
      netns: (this.nodes.get(ruleset.node) as NodeEntry).netns,
      script: renderRuleset(ruleset),
    }));
    await this.loader.load(scripts);
  }

  private async saveRecord(): Promise<void> {
    const netns = [
      this.names.fabricNetns,
      ...[...this.nodes.values()].map((node) => node.netns),
      ...[...this.outsideHosts.values()].map((host) => host.netns),
      ...[...this.pods.values()].filter((pod) => pod.hostLink !== undefined).map((pod) => pod.netns),
    ];
    await writeLabRecord(this.stateRoot, {
      lab: this.names.lab,
      ownerPid: process.pid,
      createdAt: this.createdAt,
      cni: formatCni(this.mode, this.links),
      cgroupRoots: this.context.cgroupRoots,
      netns,
      processes: [
        ...[...this.pods.values()].map((pod) => ({
          pid: pod.responder.pid,
          netns: pod.netns,
          what: pod.key,
        })),
        ...[...this.outsideHosts.values()].map((host) => ({
          pid: host.responder.pid,
          netns: host.netns,
          what: `outside host ${host.name}`,
        })),
      ],
    });
  }
}
