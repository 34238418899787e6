/** IP and CIDR endpoints; the address arithmetic itself lives in src/policy/address.ts. */
import { formatCidr, formatIp, parseCidr, parseIp } from '../shared/index.js';
import { failed, parsed, problem, type Parsed } from './text-problem.js';

export interface ParsedAddress {
  /** Normalised: dotted decimal, or RFC 5952 IPv6. */
  readonly address: string;
  readonly prefix: number;
}

/** An address (`192.0.2.10`, `fd00::1`) or a CIDR (`192.0.2.0/24`); no brackets, no port. */
export function parseAddress(text: string): Parsed<ParsedAddress> {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const address = parseIp(addressText);
  if (address === undefined)
    return failed(
      problem('BAD_ADDRESS', `"${addressText}" is not an IPv${familyGuess(addressText)} address`, 0),
    );
  const maxPrefix = address.family === 4 ? 32 : 128;
  if (slash === -1) return parsed({ address: formatIp(address), prefix: maxPrefix });
  const result = parseCidr(text);
  if (!result.ok) {
    const prefix = text.slice(slash + 1);
    const what = /^[0-9]+$/.test(prefix) ? 'is out of range' : 'is not a number';
    return failed(
      problem('BAD_ADDRESS', `CIDR prefix "/${prefix}" ${what}; expected /0../${maxPrefix}`, slash + 1),
    );
  }
  // A CIDR with host bits set is most likely a typo for one address or for the network.
  if (formatIp(result.cidr) !== formatIp(address)) {
    const network = formatCidr(result.cidr);
    return failed(
      problem(
        'BAD_ADDRESS',
        `CIDR "${text}" has host bits set; expected the network ${network}, or ${formatIp(address)} for one address`,
        0,
      ),
    );
  }
  return parsed({ address: formatIp(result.cidr), prefix: result.cidr.prefix });
}

function familyGuess(text: string): 4 | 6 {
  return text.includes(':') ? 6 : 4;
}
