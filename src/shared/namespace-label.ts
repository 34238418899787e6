/**
 * The label Kubernetes 1.21+ puts on every namespace, its value the namespace's name: a
 * namespaceSelector that names namespaces matches on it. One constant for the model, the
 * manifests, the planner and the lab's control plane; the lab's enforcer keeps its own on
 * purpose (src/lab/enforcer/compile-rulesets.ts), so that each checks the other.
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
