/** `npm run setup:lab`: the system packages and control-plane binaries the lab and its tests need. */

// Official release binaries, downloaded and checked against their published sha256.
export {
  DEFAULT_K8S_BASE_URL,
  downloadReleaseBinaries,
  releaseArch,
  releaseUrl,
  ReleaseDownloadFailed,
} from './download-release-binaries.js';
export type {
  ReleaseDownloadOptions,
  ReleaseDownloadProblem,
  ReleaseDownloadResult,
} from './download-release-binaries.js';

// The whole set-up, step by step.
export { NOT_ROOT_MESSAGE, setupLab } from './setup-lab.js';
export type { SetupLabExit, SetupLabOptions } from './setup-lab.js';
// The Debian packages the lab and its tests use.
export { AptSession, isInstalled, LAB_PACKAGES, missingPackages } from './system-packages.js';
export type { SystemPackage } from './system-packages.js';
