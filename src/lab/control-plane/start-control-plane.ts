/**
 * Bring the control plane up, step by step: certificates and the Kubernetes binaries'
 * versions (their command lines depend on them), etcd, kube-apiserver (until /readyz),
 * the cluster policies' CRDs (until served), then kube-controller-manager and
 * kube-scheduler when their binaries exist.
 * Every process is reported to `onProcessStart` as soon as it has a pid, so `lab down`
 * finds it even if this process dies. A failed step stops what the earlier ones started.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { apiserverArgs } from './apiserver-args.js';
import { binaryVersion } from './ask-version.js';
import { labKubeConfig } from './client.js';
import { installClusterPolicyCrds } from './cluster-policy-crds.js';
import { startComponent } from './component-process.js';
import type { ComponentLaunch, RunningComponent } from './component-process.js';
import { controllerManagerArgs } from './controller-manager-args.js';
import { etcdArgs, etcdUrl } from './etcd-args.js';
import type { LabBinaries } from './find-binaries.js';
import { freeLocalPorts } from './free-ports.js';
import { writeKubeconfig } from './kubeconfig.js';
import type { KubernetesVersion } from './kubernetes-version.js';
import { createLabPki } from './pki.js';
import type { LabPki } from './pki.js';
import { schedulerArgs } from './scheduler-args.js';
import { kubernetesServiceIp } from './service-range.js';
import { waitUntilReady } from './wait-ready.js';

export interface ControlPlaneOptions {
  /** The lab's state folder; pki/, etcd/, logs/ and the kubeconfigs go under it. */
  readonly folder: string;
  /** Cluster, user and context name in the admin kubeconfig. */
  readonly contextName: string;
  readonly binaries: LabBinaries;
  readonly serviceClusterIpRange: string;
  readonly onProcessStart: (component: RunningComponent) => Promise<void>;
  /** Bound on etcd's and kube-apiserver's readiness, each. */
  readonly readyTimeoutMs: number;
}

export interface ControlPlanePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
}

export interface ControlPlane {
  readonly server: string;
  /** The admin kubeconfig (group system:masters). */
  readonly kubeconfig: string;
  readonly pki: LabPki;
  readonly ports: ControlPlanePorts;
  readonly components: readonly RunningComponent[];
  /** kube-apiserver's version, as its binary states it. */
  readonly version: KubernetesVersion;
  /** Whether kube-scheduler runs; without it the emulated nodes bind pods themselves. */
  readonly schedules: boolean;
  /**
   * Stops kube-apiserver, waits `downMs`, and starts it again on the same port with the
   * same flags, until /readyz: what clients see when an API server restarts (refused
   * connections, cut watches and execs). The new process goes to `onProcessStart` too.
   */
  restartApiserver(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const paths = controlPlanePaths(options.folder);
  await Promise.all(
    [paths.pki, paths.etcd, paths.logs].map((folder) => mkdir(folder, { recursive: true, mode: 0o700 })),
  );
  const [pki, versions] = await Promise.all([
    createLabPki(paths.pki, { kubernetesServiceIp: kubernetesServiceIp(options.serviceClusterIpRange) }),
    binaryVersions(options.binaries),
  ]);
  const [etcdClient = 0, etcdPeer = 0, apiserver = 0] = await freeLocalPorts(3);
  const ports = { etcdClient, etcdPeer, apiserver };
  const server = `https://127.0.0.1:${apiserver}`;
  const started: RunningComponent[] = [];
  const start = async (launch: Omit<ComponentLaunch, 'logFile'>): Promise<RunningComponent> => {
    const component = startComponent({ ...launch, logFile: join(paths.logs, `${launch.name}.log`) });
    started.push(component);
    await options.onProcessStart(component);
    return component;
  };
  const stop = async (): Promise<void> => {
    // Reverse order: clients of the apiserver first, etcd last.
    for (const component of [...started].reverse()) await component.stop();
  };
  try {
    const etcd = await start({
      name: 'etcd',
      file: options.binaries.etcd,
      args: etcdArgs({ dataDir: paths.etcd, clientPort: etcdClient, peerPort: etcdPeer }),
    });
    await waitUntilReady(etcd, {
      url: `${etcdUrl({ clientPort: etcdClient })}/health`,
      timeoutMs: options.readyTimeoutMs,
    });
    const { kubeControllerManager, kubeScheduler } = options.binaries;
    const apiserverLaunch = {
      name: 'kube-apiserver',
      file: options.binaries.kubeApiserver,
      args: apiserverArgs(
        {
          pki,
          etcdUrl: etcdUrl({ clientPort: etcdClient }),
          securePort: apiserver,
          serviceClusterIpRange: options.serviceClusterIpRange,
          serviceAccountAdmission: kubeControllerManager !== undefined,
        },
        versions.kubeApiserver,
      ),
    };
    let apiserverProcess = await start(apiserverLaunch);
    const tls = { caCert: pki.caCert, client: pki.admin };
    const apiserverReady = { url: `${server}/readyz`, tls, timeoutMs: options.readyTimeoutMs };
    await waitUntilReady(apiserverProcess, apiserverReady);
    const restartApiserver = async (downMs: number): Promise<void> => {
      const stopped = apiserverProcess;
      await stopped.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      apiserverProcess = await start(apiserverLaunch);
      // `start` put it last; it is stopped in the old one's place: after its clients, before etcd.
      started.pop();
      started[started.indexOf(stopped)] = apiserverProcess;
      await waitUntilReady(apiserverProcess, apiserverReady);
    };
    const kubeconfigFor = async (name: string, client: LabPki['admin']): Promise<string> => {
      const path = name === 'admin' ? paths.kubeconfig : join(paths.pki, `${name}.kubeconfig`);
      await writeKubeconfig(path, { name: options.contextName, server, caCert: pki.caCert, client });
      return path;
    };
    const kubeconfig = await kubeconfigFor('admin', pki.admin);
    await installClusterPolicyCrds(labKubeConfig(kubeconfig), options.readyTimeoutMs);
    if (kubeControllerManager !== undefined && versions.kubeControllerManager !== undefined) {
      const componentKubeconfig = await kubeconfigFor('controller-manager', pki.controllerManager);
      await start({
        name: 'kube-controller-manager',
        file: kubeControllerManager,
        args: controllerManagerArgs(
          {
            pki,
            kubeconfig: componentKubeconfig,
            serviceClusterIpRange: options.serviceClusterIpRange,
          },
          versions.kubeControllerManager,
        ),
      });
    }
    if (kubeScheduler !== undefined && versions.kubeScheduler !== undefined) {
      const componentKubeconfig = await kubeconfigFor('scheduler', pki.scheduler);
      await start({
        name: 'kube-scheduler',
        file: kubeScheduler,
        args: schedulerArgs({ kubeconfig: componentKubeconfig }, versions.kubeScheduler),
      });
    }
    return {
      server,
      kubeconfig,
      pki,
      ports,
      components: started,
      version: versions.kubeApiserver,
      schedules: kubeScheduler !== undefined,
      restartApiserver,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface BinaryVersions {
  readonly kubeApiserver: KubernetesVersion;
  readonly kubeControllerManager?: KubernetesVersion;
  readonly kubeScheduler?: KubernetesVersion;
}

/** Each binary is found on its own (find-binaries.ts), so each states its own version, once. */
async function binaryVersions(binaries: LabBinaries): Promise<BinaryVersions> {
  const optional = async (file: string | undefined) => (file === undefined ? undefined : binaryVersion(file));
  const [kubeApiserver, kubeControllerManager, kubeScheduler] = await Promise.all([
    binaryVersion(binaries.kubeApiserver),
    optional(binaries.kubeControllerManager),
    optional(binaries.kubeScheduler),
  ]);
  return {
    kubeApiserver,
    ...(kubeControllerManager === undefined ? {} : { kubeControllerManager }),
    ...(kubeScheduler === undefined ? {} : { kubeScheduler }),
  };
}

/** Where the control plane keeps its files under the lab's state folder. */
export function controlPlanePaths(folder: string): {
  pki: string;
  etcd: string;
  logs: string;
  kubeconfig: string;
} {
  return {
    pki: join(folder, 'pki'),
    etcd: join(folder, 'etcd'),
    logs: join(folder, 'logs'),
    kubeconfig: join(folder, 'kubeconfig'),
  };
}
