/**
 * `lab status` as a person reads it. Apart from status.ts so that the front door
 * (src/lab/index.ts) can offer it without loading the Kubernetes client.
 */
import type { LabStatus } from './status.js';

/** The status as a person reads it: a header, then aligned tables. */
export function renderLabStatus(status: LabStatus): string {
  const { record } = status;
  const lines = [
    `lab ${record.lab}: ${record.phase}, cni ${record.cni}, ${record.nodes.length} nodes`,
    `server      ${record.server ?? ''}`,
    `kubernetes  ${status.kubernetesVersion}`,
    `kubeconfig  ${record.kubeconfig}`,
    '',
    ...table(
      ['NODE', 'STATUS', 'ADDRESS'],
      status.nodes.map((node) => [node.name, node.ready ? 'Ready' : 'NotReady', node.address]),
    ),
    '',
    ...table(
      ['NAMESPACE', 'POD', 'READY', 'STATUS', 'IP', 'NODE'],
      status.pods.map((pod) => [
        pod.namespace,
        pod.name,
        pod.ready ? 'yes' : 'no',
        pod.phase,
        pod.ip,
        pod.node,
      ]),
    ),
  ];
  if (status.externalHosts.length > 0)
    lines.push(
      '',
      ...table(
        ['OUTSIDE HOST', 'ADDRESS'],
        status.externalHosts.map((host) => [host.name, host.address]),
      ),
    );
  return lines.join('\n') + '\n';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
