/**
 * Whether an ELF executable is statically linked: it has no PT_INTERP program header,
 * so no dynamic loader is needed (what `file` calls "statically linked"). 64-bit
 * little-endian only, as musl-gcc makes on x86-64 and arm64.
 */
const PT_INTERP = 3;

export function isStaticElf(content: Buffer): boolean {
  const isElf64Le =
    content.length >= 64 && content.readUInt32BE(0) === 0x7f454c46 && content[4] === 2 && content[5] === 1;
  if (!isElf64Le) return false;
  const tableOffset = Number(content.readBigUInt64LE(0x20));
  const entrySize = content.readUInt16LE(0x36);
  const count = content.readUInt16LE(0x38);
  if (tableOffset + entrySize * count > content.length) return false;
  for (let index = 0; index < count; index++) {
    if (content.readUInt32LE(tableOffset + index * entrySize) === PT_INTERP) return false;
  }
  return true;
}
