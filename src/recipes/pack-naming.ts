/**
 * A pack never touches the user's namespaces: every namespace a recipe names (`default`,
 * `secondary`, `kube-system`...) becomes `rcp-<number>-<namespace>` offline and
 * `rcp-<number>-<run>-<namespace>` in a live run, so that runs and repetitions never meet
 * (a deleted namespace lingers while it terminates). Outside hosts are the lab's, not a
 * run's: they keep one name per pack, `rcp-<number>-<host>`, so a new run replaces them.
 */
export const PACK_PREFIX = 'rcp-';

/** The longest a namespace name may be (a DNS label). */
const MAX_NAME = 63;

export interface PackNaming {
  /** The namespace a recipe's namespace becomes. */
  namespace(name: string): string;
  /** The name a recipe's outside host gets in the lab. */
  host(name: string): string;
}

/** `07-allow-...` → `07`; `02a-allow-...` → `02a`. */
export function recipeNumber(id: string): string {
  return /^\d{2}[a-z]?/.exec(id)?.[0] ?? id;
}

export function packNaming(id: string, run?: string): PackNaming {
  const pack = `${PACK_PREFIX}${recipeNumber(id)}-`;
  const namespaces = run === undefined ? pack : `${pack}${run}-`;
  return { namespace: (name) => `${namespaces}${name}`, host: (name) => `${pack}${name}` };
}

/** Why a mapped name cannot be a namespace, or undefined when it can (a BAD_NAMESPACE problem). */
export function mappedNameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME) return `namespace ${name} is longer than ${MAX_NAME} characters`;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return `namespace ${name} is not a DNS label`;
  return undefined;
}
