/** The cluster could not be used: exit code 3, with what was tried. */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}
