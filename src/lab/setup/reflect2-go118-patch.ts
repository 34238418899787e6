/**
 * Kubernetes 1.20 vendors github.com/modern-go/reflect2 v1.0.1, which calls the Go
 * runtime's `reflect.mapiterinit` with the signature Go 1.17 had and a two-field `hiter`.
 * Go 1.18 changed both (the caller passes a full-size iterator), so a kube-apiserver built
 * with Debian bookworm's Go 1.19 dies with "fatal error: fault" (SIGSEGV in
 * `mapiternext`) the first time it encodes a map through json-iterator: when it decodes
 * any custom resource. reflect2 v1.0.2 fixed it; this patch makes the vendored v1.0.1 do
 * what v1.0.2 does, in our words: the declaration moves behind build tags, the new one
 * takes the iterator to fill, and `hiter` gets the runtime's full layout (Go 1.18 to 1.21).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FOLDER = join('vendor', 'github.com', 'modern-go', 'reflect2');
const MARKER = 'netpol-assert: mapiterinit moved to go_118_*.go';

const OLD_DECLARATION = `// m escapes into the return value, but the caller of mapiterinit
// doesn't let the return value escape.
//go:noescape
//go:linkname mapiterinit reflect.mapiterinit
func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer) *hiter
`;

const OLD_HITER = `type hiter struct {
	key   unsafe.Pointer // Must be in first position.  Write nil to indicate iteration end (see cmd/internal/gc/range.go).
	value unsafe.Pointer // Must be in second position (see cmd/internal/gc/range.go).
	// rest fields are ignored
}`;

/** runtime.hiter as Go 1.18 to 1.21 lay it out: the runtime writes every field. */
const FULL_HITER = `type hiter struct {
	key         unsafe.Pointer
	value       unsafe.Pointer
	t           unsafe.Pointer
	h           unsafe.Pointer
	buckets     unsafe.Pointer
	bptr        unsafe.Pointer
	overflow    *[]unsafe.Pointer
	oldoverflow *[]unsafe.Pointer
	startBucket uintptr
	offset      uint8
	wrapped     bool
	B           uint8
	i           uint8
	bucket      uintptr
	checkBucket uintptr
}`;

const OLD_ITERATE = `func (type2 *UnsafeMapType) UnsafeIterate(obj unsafe.Pointer) MapIterator {
	return &UnsafeMapIterator{
		hiter:      mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj)),
		pKeyRType:  type2.pKeyRType,
		pElemRType: type2.pElemRType,
	}
}
`;

const FROM_GO_118 = `//go:build go1.18
// +build go1.18

package reflect2

import "unsafe"

// Since Go 1.18 the caller hands reflect.mapiterinit the iterator to fill.
//go:noescape
//go:linkname mapiterinit reflect.mapiterinit
func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer, it *hiter)

func (type2 *UnsafeMapType) UnsafeIterate(obj unsafe.Pointer) MapIterator {
	it := new(hiter)
	mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj), it)
	return &UnsafeMapIterator{hiter: it, pKeyRType: type2.pKeyRType, pElemRType: type2.pElemRType}
}
`;

const BEFORE_GO_118 = `//go:build !go1.18
// +build !go1.18

package reflect2

import "unsafe"

// Before Go 1.18 reflect.mapiterinit allocated the iterator itself.
//go:noescape
//go:linkname mapiterinit reflect.mapiterinit
func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer) *hiter

func (type2 *UnsafeMapType) UnsafeIterate(obj unsafe.Pointer) MapIterator {
	it := mapiterinit(type2.rtype, *(*unsafe.Pointer)(obj))
	return &UnsafeMapIterator{hiter: it, pKeyRType: type2.pKeyRType, pElemRType: type2.pElemRType}
}
`;

/** Patches the unpacked source in place; true if it changed anything (false: patched before). */
export async function patchReflect2ForGo118(source: string): Promise<boolean> {
  const folder = join(source, FOLDER);
  const link = join(folder, 'unsafe_link.go');
  const map = join(folder, 'unsafe_map.go');
  const [linkText, mapText] = await Promise.all([readFile(link, 'utf8'), readFile(map, 'utf8')]);
  if (linkText.includes(MARKER)) return false;
  for (const [text, file, expected] of [
    [linkText, link, OLD_DECLARATION],
    [linkText, link, OLD_HITER],
    [mapText, map, OLD_ITERATE],
  ] as const) {
    if (!text.includes(expected))
      throw new Error(`${file} is not reflect2 v1.0.1 as expected; not patching it`);
  }
  await writeFile(link, linkText.replace(OLD_DECLARATION, `// ${MARKER}\n`).replace(OLD_HITER, FULL_HITER));
  await writeFile(map, mapText.replace(OLD_ITERATE, ''));
  await writeFile(join(folder, 'go_118_above.go'), FROM_GO_118);
  await writeFile(join(folder, 'go_118_below.go'), BEFORE_GO_118);
  return true;
}
