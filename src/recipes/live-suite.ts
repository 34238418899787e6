/**
 * What a live run can probe of a pack. An outside host exists only in the lab: elsewhere
 * nothing may be sent to or from its documentation-range address. In the lab a probe is
 * sent from one of the pack's outside hosts when an address is a source, and from no
 * other address. Assertions a run cannot probe are skipped with the reason, not left to
 * fail as inconclusive.
 */
import type { Assertion, Suite } from '../suite/index.js';
import type { RecipePack } from './recipe-pack.js';

export interface LiveAbilities {
  /** The target is the lab, which makes the packs' outside hosts and sends from them. */
  readonly outsideHosts: boolean;
}

export const OUTSIDE_SOURCE_SKIP = 'an outside address is a source only in the lab and offline (predict)';

export function liveSuite(pack: RecipePack, abilities: LiveAbilities): Suite {
  const hosts = new Set(pack.externalHosts.map((host) => host.address));
  const skipOf = (assertion: Assertion): string | undefined => {
    if (assertion.from.kind === 'address' && !abilities.outsideHosts) return OUTSIDE_SOURCE_SKIP;
    if (assertion.from.kind === 'address' && !hosts.has(assertion.from.address))
      return `needs an outside host at ${assertion.from.address} to send from; the pack makes none there`;
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
