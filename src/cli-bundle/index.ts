export { bundleCli, CLI_BUNDLE_ENTRY, CLI_BUNDLE_FOLDER } from './bundle-cli.js';
export type { BundledCli } from './bundle-cli.js';
