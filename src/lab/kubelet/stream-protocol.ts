/**
 * The kubelet's WebSocket stream protocols for exec: every binary message starts with a
 * channel byte. v4 (client-node, older kubectl): 0 stdin, 1 stdout, 2 stderr, 3 error
 * (a metav1.Status as JSON), 4 resize. v5 (kubectl 1.30+) adds 255 close: `[255, 0]`
 * says the client closed stdin. The older v1-v3 protocols are not served; SPDY (for
 * kubectl before 1.30) is spdy-exec-session.ts.
 */
export const STREAM_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type StreamProtocol = (typeof STREAM_PROTOCOLS)[number];

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The best protocol both sides speak, by the server's preference, or undefined. */
export function chooseStreamProtocol(offered: Iterable<string>): StreamProtocol | undefined {
  const offers = new Set(offered);
  return STREAM_PROTOCOLS.find((protocol) => offers.has(protocol));
}

/** The protocols a client offered in `Sec-WebSocket-Protocol`. */
export function offeredProtocols(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

export function frame(channel: number, data: Uint8Array | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), payload]);
}

export type ClientMessage =
  | { readonly kind: 'stdin'; readonly data: Buffer }
  | { readonly kind: 'close-stdin' }
  | { readonly kind: 'resize' }
  | { readonly kind: 'ignored' };

/** What a binary message from the client means under the negotiated protocol. */
export function readClientMessage(protocol: StreamProtocol, message: Buffer): ClientMessage {
  const channel = message[0];
  if (channel === Channel.stdin) return { kind: 'stdin', data: message.subarray(1) };
  if (channel === Channel.resize) return { kind: 'resize' };
  if (channel === Channel.close && protocol === 'v5.channel.k8s.io' && message[1] === Channel.stdin)
    return { kind: 'close-stdin' };
  return { kind: 'ignored' };
}
