/**
 * The NetworkPolicy object as the API server stores it (networking.k8s.io/v1), typed
 * as plain data so the model can be built without a Kubernetes client. Only the fields
 * the spec defines are listed; everything is optional because manifests omit freely.
 */
export interface LabelSelectorManifest {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export interface NetworkPolicyPeerManifest {
  podSelector?: LabelSelectorManifest | null;
  namespaceSelector?: LabelSelectorManifest | null;
  ipBlock?: { cidr: string; except?: string[] | null } | null;
}

export interface NetworkPolicyPortManifest {
  protocol?: string | null;
  port?: number | string | null;
  endPort?: number | null;
}

export interface NetworkPolicyManifest {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    podSelector?: LabelSelectorManifest | null;
    policyTypes?: string[] | null;
    ingress?:
      { from?: NetworkPolicyPeerManifest[] | null; ports?: NetworkPolicyPortManifest[] | null }[] | null;
    egress?: { to?: NetworkPolicyPeerManifest[] | null; ports?: NetworkPolicyPortManifest[] | null }[] | null;
  };
}
