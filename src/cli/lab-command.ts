/**
 * `netpol-assert lab up -f DIR [--cni MODE] [--nodes N] [--name NAME] | apply -f DIR | status |
 * kubeconfig --user NAME [--role FILE] | down`:
 * the embedded cluster (docs/contract.md §3). Progress goes to stderr; stdout gets what a
 * script wants: the kubeconfig path after `up`, the tables of `status`. The lab's code
 * (and the Kubernetes client) loads when a lab command runs, not with the command line.
 */
import type { Argv, CommandModule } from 'yargs';
import type { CommandContext, CommandFactory } from './command.js';
import { ExitCode } from './exit-codes.js';
import type { ExitCodeValue } from './exit-codes.js';
import { assertNever } from '../shared/index.js';
import { formatProblem } from '../shared/index.js';
// The lab's operations load its code when they are called (src/lab/index.ts).
import {
  DEFAULT_LAB_NAME,
  labApply,
  labDown,
  labStatus,
  labUp,
  labUserKubeconfig,
  renderLabStatus,
} from '../lab/index.js';
import type { LabFailure } from '../lab/index.js';

interface LabOptions {
  name: string;
}

interface UpArgs extends LabOptions {
  filename?: string[];
  cni: string;
  nodes: number;
  'k8s-bin'?: string;
  timeout: number;
}

interface KubeconfigArgs extends LabOptions {
  user: string;
  role?: string;
  output?: string;
}

interface ApplyArgs extends LabOptions {
  filename: string[];
  timeout: number;
}

function withLabOptions<T>(args: Argv<T>): Argv<T & LabOptions> {
  return args.option('name', {
    type: 'string',
    default: DEFAULT_LAB_NAME,
    describe: 'which lab (1-12 lowercase letters or digits)',
  }) as Argv<T & LabOptions>;
}

function withTimeout<T>(args: Argv<T>): Argv<T & { timeout: number }> {
  return args.option('timeout', {
    type: 'number',
    default: 120,
    describe: 'seconds to wait for the pods to be Ready',
  }) as Argv<T & { timeout: number }>;
}

export const labCommand: CommandFactory<LabOptions> = (context, setExit) => ({
  command: 'lab <command>',
  describe: 'a small real Kubernetes on this machine (root): up, apply, status, kubeconfig, down',
  builder: (args) =>
    withLabOptions(args)
      .command(upCommand(context, setExit))
      .command(applyCommand(context, setExit))
      .command(statusCommand(context, setExit))
      .command(kubeconfigCommand(context, setExit))
      .command(downCommand(context, setExit))
      .demandCommand(1, 'name a lab command: up, apply, status, kubeconfig or down') as never,
  handler: () => undefined,
});

function upCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<LabOptions, UpArgs> {
  return {
    command: 'up',
    describe: 'start a lab (control plane, nodes, data plane), apply manifests, print the kubeconfig path',
    builder: (args) =>
      withTimeout(args)
        .option('filename', {
          alias: 'f',
          type: 'string',
          array: true,
          describe: 'manifests to apply (files or folders)',
        })
        .option('cni', {
          type: 'string',
          default: 'full',
          describe:
            'policy enforcement: full, none, ingress-only, no-ipblock, no-combined-selectors, no-cluster-policies, no-pass, delay=SECONDS; ' +
            'MODE+lossy[=LOSS%/JITTERms] or lossy (full) for pod links that lose 5% and delay 0-200 ms each way',
        })
        .option('nodes', { type: 'number', default: 2, describe: 'how many nodes' })
        .option('k8s-bin', {
          type: 'string',
          describe: 'folder with etcd and kube-apiserver (searched first)',
        }) as never,
    handler: async (args) => {
      const result = await labUp({
        lab: args.name,
        manifests: args.filename ?? [],
        cni: args.cni,
        nodes: args.nodes,
        ...(args['k8s-bin'] === undefined ? {} : { k8sBin: args['k8s-bin'] }),
        startTimeoutMs: 120_000,
        waitTimeoutMs: args.timeout * 1000,
        progress: progressTo(context),
      });
      if (!result.ok) return setExit(reportFailure(result, context));
      context.stderr.write(`lab '${args.name}' is up (${result.pods} pods ready); kubeconfig:\n`);
      context.stdout.write(`${result.kubeconfig}\n`);
      setExit(ExitCode.ok);
    },
  };
}

function applyCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<LabOptions, ApplyArgs> {
  return {
    command: 'apply',
    describe: 'apply manifests (and ExternalHost objects) to a running lab and wait for the pods',
    builder: (args) =>
      withTimeout(args).option('filename', {
        alias: 'f',
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'manifests to apply (files or folders)',
      }) as never,
    handler: async (args) => {
      const result = await labApply({
        lab: args.name,
        manifests: args.filename,
        waitTimeoutMs: args.timeout * 1000,
        progress: progressTo(context),
      });
      if (!result.ok) return setExit(reportFailure(result, context));
      context.stderr.write(
        `applied ${result.objects} objects, ${result.externalHosts} outside hosts; ${result.pods} pods ready\n`,
      );
      setExit(ExitCode.ok);
    },
  };
}

function statusCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<LabOptions, LabOptions> {
  return {
    command: 'status',
    describe: "show the lab's nodes, pods with their addresses, and cni mode",
    handler: async (args) => {
      const result = await labStatus({ lab: args.name });
      if (!result.ok) return setExit(reportFailure(result, context));
      context.stdout.write(renderLabStatus(result));
      setExit(ExitCode.ok);
    },
  };
}

function kubeconfigCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<LabOptions, KubeconfigArgs> {
  return {
    command: 'kubeconfig',
    describe:
      "a user's kubeconfig with exactly one ClusterRole (default: the runner's least privilege); prints its path",
    builder: (args) =>
      args
        .option('user', {
          type: 'string',
          demandOption: true,
          describe: "the user (a DNS label), its certificate's common name",
        })
        .option('role', {
          type: 'string',
          describe: 'a file with one ClusterRole (default: agent/manifests/runner-clusterrole.yaml)',
        })
        .option('output', {
          alias: 'o',
          type: 'string',
          describe: "where to write it (default: in the lab's state folder)",
        }) as never,
    handler: async (args) => {
      const result = await labUserKubeconfig({
        lab: args.name,
        user: args.user,
        ...(args.role === undefined ? {} : { role: args.role }),
        ...(args.output === undefined ? {} : { output: args.output }),
        progress: progressTo(context),
      });
      if (!result.ok) return setExit(reportFailure(result, context));
      context.stderr.write(
        `user ${args.user} of lab '${args.name}' has ClusterRole ${result.role} (${result.permissions} permissions); kubeconfig:\n`,
      );
      context.stdout.write(`${result.kubeconfig}\n`);
      setExit(ExitCode.ok);
    },
  };
}

function downCommand(
  context: CommandContext,
  setExit: (code: number) => void,
): CommandModule<LabOptions, LabOptions> {
  return {
    command: 'down',
    describe: 'stop the lab and remove everything it made (also after a crash)',
    handler: async (args) => {
      const result = await labDown({ lab: args.name, progress: progressTo(context) });
      if (!result.ok) return setExit(reportFailure(result, context));
      context.stderr.write(
        result.found
          ? `lab '${args.name}' is down: ${result.processes.length} processes stopped, ${result.netnsRemoved.length} network namespaces removed\n`
          : `no lab '${args.name}' to remove\n`,
      );
      setExit(ExitCode.ok);
    },
  };
}

function progressTo(context: CommandContext): (message: string) => void {
  return (message) => context.stderr.write(`lab: ${message}\n`);
}

function reportFailure(failure: LabFailure, context: CommandContext): ExitCodeValue {
  switch (failure.kind) {
    case 'bad-input':
      for (const problem of failure.problems) context.stderr.write(`netpol-assert lab: ${problem}\n`);
      return ExitCode.badInput;
    case 'bad-manifests':
      for (const problem of failure.problems) context.stderr.write(`${formatProblem(problem)}\n`);
      return ExitCode.badInput;
    case 'unavailable':
      context.stderr.write(`netpol-assert lab: ${failure.message}\n`);
      return ExitCode.clusterUnusable;
    default:
      return assertNever(failure);
  }
}
