/**
 * Addresses as the lab uses them, apart from src/policy on purpose (the differential test
 * compares the two): strict parsing into canonical form, CIDR arithmetic, the ranges the
 * lab may use, and the pool pods take their addresses from.
 */

export {
  addressAt,
  bitsOf,
  blockContains,
  blocksOverlap,
  blockSize,
  blockWithin,
  canonicalAddress,
  DOCUMENTATION_BLOCKS,
  formatAddress,
  formatBlock,
  isDocumentationAddress,
  LAB_BLOCK,
  parseAddress,
  parseBlock,
} from './address.js';
export type { Address, Block, Family } from './address.js';
export { AddressPool } from './address-pool.js';
