/**
 * Part of `npm run build`: bundles the command line into dist/bundle/, what
 * bin/netpol-assert.js runs in an installed package, and says what it made.
 */
import { relative } from 'node:path';
import { bundleCli } from '../src/cli-bundle/index.js';

const started = Date.now();
const bundled = await bundleCli(process.cwd());
process.stdout.write(
  `bundle-cli: ${relative(process.cwd(), bundled.entry)} and ${bundled.files.length - 1} more files in ${Date.now() - started} ms\n`,
);
