/** What `recipes list` and `recipes show` do, and the packs every recipes command loads: offline. */
import { listRecipeIds, loadRecipe, resolveRecipeId } from '../recipes/packs.js';
import type { RecipePack } from '../recipes/packs.js';
import { formatProblem } from '../shared/index.js';
import { formatDestination, formatEndpoint } from '../suite/index.js';
import type { CommandContext } from './command.js';
import { ExitCode } from './exit-codes.js';

/** Every pack: its id, the recipe title and how many assertions it makes. */
export async function listPacks(context: CommandContext): Promise<number> {
  const packs = await loadPacks(undefined, context);
  if (packs === undefined) return ExitCode.badInput;
  const width = Math.max(...packs.map((pack) => pack.id.length));
  for (const pack of packs) {
    const count = pack.suite.assertions.length;
    context.stdout.write(
      `${pack.id.padEnd(width)}  ${pack.title} (${count} assertion${count === 1 ? '' : 's'})\n`,
    );
  }
  return ExitCode.ok;
}

export async function showPack(name: string, context: CommandContext): Promise<number> {
  const packs = await loadPacks([name], context);
  const pack = packs?.[0];
  if (pack === undefined) return ExitCode.badInput;
  context.stdout.write(renderPack(pack));
  return ExitCode.ok;
}

/** The packs named (every pack when none is), or undefined after printing every problem. */
export async function loadPacks(
  names: readonly string[] | undefined,
  context: CommandContext,
): Promise<RecipePack[] | undefined> {
  const known = await listRecipeIds();
  const ids = (names ?? known).map((name) => [name, resolveRecipeId(name, known)] as const);
  const unknown = ids.filter(([, id]) => id === undefined).map(([name]) => name);
  if (unknown.length > 0) {
    for (const name of unknown)
      context.stderr.write(`netpol-assert: no recipe '${name}'; "netpol-assert recipes list" names them\n`);
    return undefined;
  }
  const unique = [...new Set(ids.map(([, id]) => id ?? ''))];
  const loads = await Promise.all(unique.map((id) => loadRecipe(id)));
  const problems = loads.flatMap((load) => (load.ok ? [] : load.problems));
  for (const problem of problems) context.stderr.write(`${formatProblem(problem)}\n`);
  return problems.length > 0 ? undefined : loads.flatMap((load) => (load.ok ? [load.pack] : []));
}

/** `recipes show`: in the recipe's own namespaces, with what they become. */
function renderPack(pack: RecipePack): string {
  const lines = [pack.id, pack.title, ...(pack.source === undefined ? [] : [pack.source]), ''];
  const mapping = [...pack.namespaces].map(([name, mapped]) => `${name} → ${mapped}`).join(', ');
  lines.push(`namespaces: ${mapping} (a live run adds its token: rcp-NN-<run>-<namespace>)`);
  if (pack.externalHosts.length > 0)
    lines.push(
      `outside hosts (lab only): ${pack.externalHosts.map((h) => `${h.name} ${h.address}`).join(', ')}`,
    );
  lines.push(
    '',
    'policy.yaml:',
    ...pack.policyText
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
    '',
  );
  lines.push('assertions:');
  for (const assertion of pack.writtenSuite.assertions) {
    const to = formatDestination(
      assertion.to,
      assertion.port,
      assertion.protocol === 'TCP' ? undefined : assertion.protocol,
    );
    lines.push(`  ${assertion.expect.padEnd(5)}  ${assertion.name}`);
    lines.push(`         from ${formatEndpoint(assertion.from)} to ${to}`);
  }
  return `${lines.join('\n')}\n`;
}
