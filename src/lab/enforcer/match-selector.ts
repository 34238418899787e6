/**
 * metav1.LabelSelector matching, as a network plugin does it on the raw API object:
 * matchLabels and matchExpressions are ANDed, an empty selector matches everything, and
 * a selector the API server would reject matches nothing.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resource-that-support-set-based-requirements
 */
import type { Labels, LabelSelectorManifest } from '../../policy/index.js';

export function selectorMatches(selector: LabelSelectorManifest, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!requirementMatches(requirement, labels)) return false;
  }
  return true;
}

function requirementMatches(
  requirement: { key: string; operator: string; values?: string[] | null },
  labels: Labels,
): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return values.length > 0 && present && values.includes(labels[requirement.key] ?? '');
    case 'NotIn':
      return values.length > 0 && (!present || !values.includes(labels[requirement.key] ?? ''));
    case 'Exists':
      return values.length === 0 && present;
    case 'DoesNotExist':
      return values.length === 0 && !present;
    default:
      return false;
  }
}
