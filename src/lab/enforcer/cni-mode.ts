/**
 * `--cni MODE`: how faithfully the lab enforces policies, to reproduce real plugins'
 * gaps, and whether its pod links lose and delay packets (docs/contract.md §3, docs/lab.md).
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

/**
 * Faults on every pod link (`lossy` in `--cni`), each way: a frame is lost with
 * `lossPercent` chance, else waits a uniformly random 0 to `jitterMs` milliseconds. A
 * packet from one pod to another crosses both pods' links, so a round trip meets the
 * faults four times. The enforcer does not read them: the data plane builds the links.
 */
export interface LinkFaults {
  readonly lossPercent: number;
  readonly jitterMs: number;
}

/** `lossy` alone: 5% loss and 200 ms of jitter. */
export const LOSSY: LinkFaults = { lossPercent: 5, jitterMs: 200 };

export type ParseCniModeResult =
  | { readonly ok: true; readonly mode: CniMode; readonly links?: LinkFaults }
  | { readonly ok: false; readonly problem: string };

const MODES_EXPECTED =
  'full, none, ingress-only, no-ipblock, no-combined-selectors, no-cluster-policies, no-pass or delay=SECONDS';

/** `MODE`, `MODE+lossy[=LOSS%/JITTERms]`, or `lossy[=...]` alone (full enforcement on lossy links). */
export function parseCniMode(text: string): ParseCniModeResult {
  const plus = text.indexOf('+');
  const [modeText, linksText] = plus < 0 ? [text, undefined] : [text.slice(0, plus), text.slice(plus + 1)];
  if (linksText === undefined && modeText.startsWith('lossy')) return withLinks(FULL, modeText);
  const parsed = parseEnforcement(modeText);
  if (!parsed.ok || linksText === undefined) return parsed;
  return withLinks(parsed.mode, linksText);
}

function parseEnforcement(text: string): ParseCniModeResult {
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
    problem: `unknown --cni mode '${text}': expected ${MODES_EXPECTED}, optionally followed by +lossy, or lossy`,
  };
}

function withLinks(mode: CniMode, text: string): ParseCniModeResult {
  if (text === 'lossy') return { ok: true, mode, links: LOSSY };
  const lossy = /^lossy=(\d{1,2}(?:\.\d{1,2})?)%\/(\d{1,5})ms$/.exec(text);
  if (lossy !== null) {
    const links = { lossPercent: Number(lossy[1]), jitterMs: Number(lossy[2]) };
    if (links.lossPercent <= 50 && links.jitterMs <= 10_000) return { ok: true, mode, links };
  }
  return {
    ok: false,
    problem: `bad --cni link faults '${text}': expected lossy or lossy=LOSS%/JITTERms (loss up to 50%, jitter up to 10000 ms), e.g. lossy=5%/200ms`,
  };
}

export function formatCniMode(mode: CniMode): string {
  return mode.kind === 'delay' ? `delay=${mode.seconds}` : mode.kind;
}

/** The mode and the link faults as `--cni` takes them back. */
export function formatCni(mode: CniMode, links: LinkFaults | undefined): string {
  if (links === undefined) return formatCniMode(mode);
  return `${formatCniMode(mode)}+lossy=${links.lossPercent}%/${links.jitterMs}ms`;
}
