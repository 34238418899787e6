/**
 * `netpol-assert generate (--state DIR | --from-cluster)`: a suite derived from the
 * policies in force, on stdout. The work is in generate.ts, loaded when the command runs.
 */
import type { CommandFactory } from './command.js';
import { withClusterOptions } from './cluster-options.js';
import type { ClusterOptions } from './cluster-options.js';

export type GenerateArgs = ClusterOptions & {
  state?: string[];
  'from-cluster': boolean;
  name: string;
  'address-sources'?: boolean;
  live: boolean;
};

/** metadata.name of a suite (schemas/suite.schema.json). */
const SUITE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const generateCommand: CommandFactory<GenerateArgs> = (context, setExit) => ({
  command: 'generate',
  describe: 'print a suite derived from the policies in force (--state DIR or --from-cluster)',
  builder: (args) =>
    withClusterOptions(args)
      .option('state', {
        type: 'string',
        array: true,
        describe: 'folder or file of Kubernetes manifests describing the cluster (repeatable)',
      })
      .option('from-cluster', {
        type: 'boolean',
        default: false,
        describe: "read a live cluster's policies (--kubeconfig, --context or --lab)",
      })
      .option('name', { type: 'string', default: 'generated', describe: "the suite's metadata.name" })
      .option('live', {
        type: 'boolean',
        default: false,
        describe:
          'keep only cases traffic can show: destinations that declare the port, and of outside addresses only the ExternalHosts of --state',
      })
      .option('address-sources', {
        type: 'boolean',
        describe:
          'also derive ingress cases from outside addresses, which only predict can evaluate (default: on with --state, off with --from-cluster)',
      })
      .check((argv) => {
        const fromState = argv.state !== undefined && argv.state.length > 0;
        if (fromState === argv['from-cluster'])
          throw new Error('give exactly one of --state DIR and --from-cluster');
        if (!argv['from-cluster'] && [argv.kubeconfig, argv.context, argv.lab].some((v) => v !== undefined))
          throw new Error('--kubeconfig, --context and --lab go with --from-cluster');
        if (!SUITE_NAME.test(argv.name))
          throw new Error(
            `--name "${argv.name}" is not a suite name: lowercase letters, digits, "-" and "."`,
          );
        return true;
      }),
  handler: async (args) => {
    const { generate } = await import('./generate.js');
    setExit(await generate(args, context));
  },
});
