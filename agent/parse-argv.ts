/**
 * The agent's argv: `COMMAND [--name VALUE | --name=VALUE | --flag]...`. Small enough not
 * to need yargs in the image; every option is declared, anything else is a usage error.
 */
export interface ArgvSpec {
  /** Options that take a value; each may repeat. */
  readonly values: readonly string[];
  readonly flags: readonly string[];
}

export interface ParsedArgv {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

export type ArgvResult =
  { readonly ok: true; readonly argv: ParsedArgv } | { readonly ok: false; readonly problem: string };

export function parseArgv(args: readonly string[], spec: ArgvSpec): ArgvResult {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    if (match === null) return { ok: false, problem: `unexpected argument '${arg}'` };
    const name = match[1] ?? '';
    if (spec.flags.includes(name) && match[2] === undefined) {
      flags.add(name);
      continue;
    }
    if (!spec.values.includes(name)) return { ok: false, problem: `unknown option --${name}` };
    const value = match[2] ?? args[++i];
    if (value === undefined) return { ok: false, problem: `--${name} needs a value` };
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { ok: true, argv: { values, flags } };
}

/** The last value of an option, or the fallback. */
export function lastValue(argv: ParsedArgv, name: string, fallback: string): string {
  return argv.values.get(name)?.at(-1) ?? fallback;
}

/** Ports from a repeatable option (`--tcp 80 --tcp 81` or `--tcp 80,81`); `bad` is a word that is not a port. */
export function portValues(argv: ParsedArgv, name: string): { ports: number[]; bad?: string } {
  const ports: number[] = [];
  for (const word of argv.values.get(name) ?? []) {
    for (const part of word.split(',')) {
      const port = Number(part);
      if (!/^\d+$/.test(part) || port < 1 || port > 65535) return { ports, bad: part };
      ports.push(port);
    }
  }
  return { ports };
}
