/** The published agent image for this version; `--image` overrides it for private registries. */
export const DEFAULT_AGENT_IMAGE = 'ghcr.io/netpol-assert/agent:0.1.0';
