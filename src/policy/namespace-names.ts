/** The namespace-name label, as the API server (1.21+) puts it on every namespace. */
import type { ClusterState } from './cluster.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';

/**
 * The state with every namespace labelled with its name. The engine matches namespace
 * selectors on these labels; anything else that matches them (the planner) must too.
 */
export function withNamespaceNameLabels(state: ClusterState): ClusterState {
  if (state.namespaces.every((ns) => ns.labels[NAMESPACE_NAME_LABEL] === ns.name)) return state;
  return {
    ...state,
    namespaces: state.namespaces.map((ns) => ({
      ...ns,
      labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name },
    })),
  };
}
