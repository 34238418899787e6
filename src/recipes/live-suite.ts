/**
 * What a live run can probe of a pack. An outside address as a source cannot be sent
 * from yet (the agent enters pods, not outside hosts), and an outside host exists only
 * in the lab: elsewhere nothing may be sent to its documentation-range address. Such
 * assertions are skipped with the reason, not left to fail as inconclusive.
 */
import type { Assertion, Suite } from '../suite/index.js';
import type { RecipePack } from './recipe-pack.js';

export interface LiveAbilities {
  /** The target is the lab, which makes the packs' outside hosts. */
  readonly outsideHosts: boolean;
}

export const OUTSIDE_SOURCE_SKIP =
  'an outside address as a source is checked only offline (predict): a live run cannot send from it yet';

export function liveSuite(pack: RecipePack, abilities: LiveAbilities): Suite {
  const hosts = new Set(pack.externalHosts.map((host) => host.address));
  const skipOf = (assertion: Assertion): string | undefined => {
    if (assertion.from.kind === 'address') return OUTSIDE_SOURCE_SKIP;
    if (assertion.to.kind === 'address' && hosts.has(assertion.to.address) && !abilities.outsideHosts)
      return `needs the outside host ${assertion.to.address}, which only the lab makes (--lab)`;
    return undefined;
  };
  return {
    ...pack.suite,
    assertions: pack.suite.assertions.map((assertion) => {
      const skip = assertion.skip ?? skipOf(assertion);
      return skip === undefined ? assertion : { ...assertion, skip };
    }),
  };
}
