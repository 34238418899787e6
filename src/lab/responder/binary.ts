/**
 * The responder is built lazily from responder.c (src/lab/host's C build, cached by the
 * source's hash). `NETPOL_ASSERT_RESPONDER` points at a prebuilt binary.
 */
import { fileURLToPath } from 'node:url';
import { cProgramBinary, defaultCacheDir } from '../host/index.js';

export { defaultCacheDir } from '../host/index.js';

/**
 * Beside this module in the sources and in dist/src/lab/responder/; in the command-line
 * bundle, whose chunks sit in one folder, in responder/ beside them (src/cli-bundle).
 */
const RESPONDER = {
  name: 'responder',
  sources: ['./responder.c', './responder/responder.c'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  ),
};

/** The path of a built responder, building it on first use. */
export function responderBinary(cacheDir: string = defaultCacheDir()): Promise<string> {
  const prebuilt = process.env.NETPOL_ASSERT_RESPONDER;
  if (prebuilt !== undefined && prebuilt !== '') return Promise.resolve(prebuilt);
  return cProgramBinary(RESPONDER, cacheDir);
}
