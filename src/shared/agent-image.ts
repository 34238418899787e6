/** Where the release publishes the agent image (release.yml pushes exactly DEFAULT_AGENT_IMAGE). */
export const AGENT_IMAGE_REPOSITORY = 'ghcr.io/netpol-assert/agent';

/** The published agent image for this version; `--image` overrides it for private registries. */
export const DEFAULT_AGENT_IMAGE = `${AGENT_IMAGE_REPOSITORY}:0.1.0`;
