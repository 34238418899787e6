/** What `lab up` tells the supervisor it starts (one JSON argument), checked on arrival. */
export interface SupervisorConfig {
  readonly lab: string;
  readonly nodes: number;
  /** `--cni` mode, as given. */
  readonly cni: string;
  readonly k8sBin?: string;
  readonly stateRoot: string;
}

export const MAX_LAB_NODES = 50;

export function labNodeNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `lab-node-${index}`);
}

export function parseSupervisorConfig(text: string | undefined): SupervisorConfig {
  const value: unknown = JSON.parse(text ?? '');
  if (typeof value !== 'object' || value === null) throw new Error('the supervisor config is not an object');
  const config = value as Record<string, unknown>;
  const { lab, nodes, cni, k8sBin, stateRoot } = config;
  if (typeof lab !== 'string' || typeof cni !== 'string' || typeof stateRoot !== 'string')
    throw new Error('the supervisor config needs lab, cni and stateRoot');
  if (typeof nodes !== 'number' || !Number.isInteger(nodes) || nodes < 1 || nodes > MAX_LAB_NODES)
    throw new Error(`nodes must be 1-${MAX_LAB_NODES}`);
  return { lab, nodes, cni, stateRoot, ...(typeof k8sBin === 'string' ? { k8sBin } : {}) };
}
