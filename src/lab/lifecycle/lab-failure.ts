import { labNameProblem } from '../names.js';

/** How a lab command fails: bad input (exit code 2) or a lab that cannot be used (exit code 3). */
export type LabFailure =
  | { readonly ok: false; readonly kind: 'bad-input'; readonly problems: readonly string[] }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly message: string };

export function badInput(problems: readonly string[]): LabFailure {
  return { ok: false, kind: 'bad-input', problems };
}

export function unavailable(message: string): LabFailure {
  return { ok: false, kind: 'unavailable', message };
}

/** Network namespaces, nftables and cgroups need root; say so before trying. */
export function rootProblem(): LabFailure | undefined {
  return process.getuid?.() === 0
    ? undefined
    : unavailable('the lab needs root (network namespaces, nftables, cgroups)');
}

/** A lab name is 1-12 lowercase letters or digits (it prefixes every name the lab makes). */
export function nameProblem(lab: string): LabFailure | undefined {
  const problem = labNameProblem(lab);
  return problem === undefined ? undefined : badInput([problem]);
}

/** Progress for a person, on stderr: the command's result goes to stdout. */
export type Progress = (message: string) => void;
