/** Kubernetes label selectors (metav1.LabelSelector) and their kubectl string form. */
import type { Labels } from './cluster.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** matchLabels and matchExpressions are ANDed; an empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}
