/**
 * ipBlock peers: an address inside the block (and outside its excepts), an address in
 * each `except`, and one outside the block. Egress probes the address from the policy's
 * pods; ingress probes the policy's pods from it, which only the model can evaluate, so
 * those cases come only with `addressSources`.
 */
import type { Peer } from '../policy/index.js';
import type { RuleContext } from './case-context.js';
import { makeCase, orient, peerPlace, portTarget } from './case-context.js';
import type { GeneratedCase } from './generated-case.js';
import { addressEndpoint } from './peer-endpoint.js';
import { addressInExcept, addressInside, addressOutside, cidrOf } from './pick-address.js';
import { firstAdmittedPort } from './port-choice.js';
import type { FeatureTag } from './tags.js';

type IpBlockPeer = Extract<Peer, { kind: 'ipBlock' }>;

export function ipBlockCases(context: RuleContext): GeneratedCase[] {
  if (context.rule.peers.kind !== 'peers') return [];
  if (context.direction === 'ingress' && !context.options.addressSources) return [];
  return context.rule.peers.peers.flatMap((peer, index) =>
    peer.kind === 'ipBlock' ? casesForBlock(context, peer, index) : [],
  );
}

function casesForBlock(context: RuleContext, peer: IpBlockPeer, index: number): GeneratedCase[] {
  const block = cidrOf(peer.cidr);
  if (block === undefined) return [];
  const excepts = peer.except.map(cidrOf).filter((cidr) => cidr !== undefined);
  const place = peerPlace(context, index);
  const cases: GeneratedCase[] = [];
  const add = (ip: string | undefined, what: (ip: string) => string, tags: readonly FeatureTag[]): void => {
    if (ip === undefined) return;
    const sides = orient(context, addressEndpoint(ip));
    const port = firstAdmittedPort(context.rule.ports, portTarget(context, sides.to));
    if (port !== undefined)
      cases.push(makeCase(context, `${place} ${what(ip)}`, sides, port, ['ip-block', ...tags]));
  };
  add(addressInside(block, excepts, context.view), (ip) => `positive: ${ip} in ${peer.cidr}`, ['positive']);
  excepts.forEach((except, i) => {
    const what = (ip: string): string => `negative: ${ip} in except ${peer.except[i] ?? ''}`;
    add(addressInExcept(except, context.view), what, ['negative', 'except']);
  });
  add(addressOutside(block, context.view), (ip) => `negative: ${ip} outside ${peer.cidr}`, ['negative']);
  return cases;
}
