/** Choosing a cluster: kubectl's rules, or the local lab by name. (Connecting is connect-cluster.ts.) */
import type { Argv } from 'yargs';
import { DEFAULT_LAB_NAME, labNameProblem } from '../lab/index.js';

export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  lab?: string;
}

export function withClusterOptions<T>(args: Argv<T>): Argv<T & ClusterOptions> {
  return args
    .option('kubeconfig', {
      type: 'string',
      describe: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config)',
    })
    .option('context', { type: 'string', describe: 'kubeconfig context (default: the current one)' })
    .option('lab', {
      type: 'string',
      describe: `use the local lab (default name: ${DEFAULT_LAB_NAME}); see "netpol-assert lab"`,
      coerce: (value: string) => {
        const name = value === '' ? DEFAULT_LAB_NAME : value;
        // Refused here, as a usage error (exit 2), before anything connects or creates.
        const problem = labNameProblem(name);
        if (problem !== undefined) throw new Error(`--lab: ${problem}`);
        return name;
      },
    })
    .conflicts('lab', ['kubeconfig', 'context']) as Argv<T & ClusterOptions>;
}
