/**
 * `--cni MODE`: how faithfully the lab enforces policies, to reproduce real plugins'
 * gaps (docs/contract.md §3, docs/lab.md).
 */
export type CniMode =
  /** A spec-conformant plugin (Calico). */
  | { readonly kind: 'full' }
  /** No policy support at all (flannel): no rules. */
  | { readonly kind: 'none' }
  /** Egress rules ignored (Weave before 2.4). */
  | { readonly kind: 'ingress-only' }
  /** ipBlock peers match nothing (Weave before 2.5). */
  | { readonly kind: 'no-ipblock' }
  /** A peer with both namespaceSelector and podSelector matches nothing (Weave 2.5). */
  | { readonly kind: 'no-combined-selectors' }
  /** NetworkPolicies only: cluster policies (policy.networking.k8s.io) ignored, as kind's kindnet does. */
  | { readonly kind: 'no-cluster-policies' }
  /** Cluster policies' Pass treated as Accept, so NetworkPolicies never see what an admin passed. */
  | { readonly kind: 'no-pass' }
  /** Full enforcement, but every policy change takes effect `seconds` late. */
  | { readonly kind: 'delay'; readonly seconds: number };

export const FULL: CniMode = { kind: 'full' };

export type ParseCniModeResult =
  { readonly ok: true; readonly mode: CniMode } | { readonly ok: false; readonly problem: string };

export function parseCniMode(text: string): ParseCniModeResult {
  switch (text) {
    case 'full':
    case 'none':
    case 'ingress-only':
    case 'no-ipblock':
    case 'no-combined-selectors':
    case 'no-cluster-policies':
    case 'no-pass':
      return { ok: true, mode: { kind: text } };
  }
  const delay = /^delay=(\d{1,4}(?:\.\d{1,3})?)$/.exec(text);
  if (delay !== null) return { ok: true, mode: { kind: 'delay', seconds: Number(delay[1]) } };
  return {
    ok: false,
    problem: `unknown --cni mode '${text}': expected full, none, ingress-only, no-ipblock, no-combined-selectors, no-cluster-policies, no-pass or delay=SECONDS`,
  };
}

export function formatCniMode(mode: CniMode): string {
  return mode.kind === 'delay' ? `delay=${mode.seconds}` : mode.kind;
}
