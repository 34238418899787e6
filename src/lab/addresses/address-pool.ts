/**
 * Addresses for pods from the lab's pod range: pinned ones taken as asked, others
 * handed out round-robin so a freed address is not reused at once (stale neighbour or
 * conntrack entries elsewhere in the lab could otherwise still point at the old pod).
 */
import type { Address, Block } from './address.js';
import { addressAt, blockContains, blockSize, formatAddress, parseAddress } from './address.js';

export class AddressPool {
  private readonly taken = new Map<bigint, string>();
  private cursor = 1n;

  constructor(private readonly range: Block) {}

  /** Why `text` cannot be pinned for `owner`, if it cannot. */
  pinProblem(text: string): string | undefined {
    const address = parseAddress(text);
    if (address === undefined || address.family !== this.range.family)
      return `'${text}' is not an IPv4 address`;
    if (!this.usable(address)) return `${text} is not a usable address of the pod range`;
    const holder = this.taken.get(address.value);
    return holder === undefined ? undefined : `${text} is taken by ${holder}`;
  }

  /** Takes a pinned address; call `pinProblem` first. */
  take(text: string, owner: string): string {
    const problem = this.pinProblem(text);
    if (problem !== undefined) throw new Error(problem);
    const address = parseAddress(text) as Address;
    this.taken.set(address.value, owner);
    return formatAddress(address);
  }

  allocate(owner: string): string {
    const size = blockSize(this.range);
    for (let tried = 0n; tried < size; tried++) {
      const offset = this.cursor;
      this.cursor = this.cursor + 1n >= size - 1n ? 1n : this.cursor + 1n;
      const address = addressAt(this.range, offset);
      if (!this.taken.has(address.value)) {
        this.taken.set(address.value, owner);
        return formatAddress(address);
      }
    }
    throw new Error(`the pod range ${formatAddress(addressAt(this.range, 0n))}/${this.range.prefix} is full`);
  }

  release(text: string): void {
    const address = parseAddress(text);
    if (address !== undefined) this.taken.delete(address.value);
  }

  /** Not the range's first or last address. */
  private usable(address: Address): boolean {
    const offset = address.value - this.range.base;
    return blockContains(this.range, address) && offset > 0n && offset < blockSize(this.range) - 1n;
  }
}
