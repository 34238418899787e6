/** Loads a rendered ruleset into a node's namespace in one nft transaction. */
import { inNetns, runCommand } from '../host/index.js';

export async function applyNftRuleset(nodeNetns: string, script: string): Promise<void> {
  const [file, args] = inNetns(nodeNetns, 'nft', ['-f', '-']);
  await runCommand(file, args, { input: script });
}
