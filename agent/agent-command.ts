/**
 * The agent's commands, each a small handler returning an exit status:
 *
 *   netpol-assert-agent probe [--proc-root DIR] [--probe-binary FILE] < batch.json
 *       (stdin: the batch, then `stop ID` lines while it runs; see agent-input.ts)
 *   netpol-assert-agent respond [--tcp PORT]... [--udp PORT]... [--banner TEXT]
 *   netpol-assert-agent idle          keeps the DaemonSet pod alive until SIGTERM
 *   netpol-assert-agent version       {"name":"netpol-assert-agent","version":…,"protocol":1}
 *   netpol-assert-agent build-probe   compiles netpol-probe into the cache, prints its path
 */
import { AgentInput } from './agent-input.js';
import { PodProcessScan } from './find-pod-netns.js';
import { lastValue, parseArgv, portValues } from './parse-argv.js';
import type { ArgvSpec, ParsedArgv } from './parse-argv.js';
import { buildProbeBinary, probeBinary } from './probe-binary.js';
import { decodeBatch, formatBailOut, LIMITS } from './protocol.js';
import { startResponder } from './respond.js';
import { runBatch } from './run-batch.js';
import { agentVersion } from './version.js';
import { waitForTermination } from './wait-for-signal.js';

export interface AgentIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const USAGE = `usage: netpol-assert-agent probe [--proc-root DIR] [--probe-binary FILE] < batch.json
       netpol-assert-agent respond [--tcp PORT]... [--udp PORT]... [--banner TEXT]
       netpol-assert-agent idle | version | build-probe
`;

interface Command {
  readonly spec: ArgvSpec;
  readonly run: (argv: ParsedArgv, io: AgentIo) => Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  probe: { spec: { values: ['proc-root', 'probe-binary'], flags: [] }, run: probeCommand },
  respond: { spec: { values: ['tcp', 'udp', 'sctp', 'banner'], flags: [] }, run: respondCommand },
  idle: { spec: { values: [], flags: [] }, run: idleCommand },
  version: { spec: { values: [], flags: [] }, run: versionCommand },
  'build-probe': { spec: { values: [], flags: [] }, run: buildProbeCommand },
};

export async function runAgent(args: readonly string[], io: AgentIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.stderr(`${name === undefined ? 'no command' : `unknown command '${name}'`}\n${USAGE}`);
    return EXIT.usage;
  }
  const parsed = parseArgv(rest, command.spec);
  if (!parsed.ok) {
    io.stderr(`${parsed.problem}\n${USAGE}`);
    return EXIT.usage;
  }
  return command.run(parsed.argv, io);
}

async function probeCommand(argv: ParsedArgv, io: AgentIo): Promise<number> {
  const input = new AgentInput(io.stdin, LIMITS.batchBytes);
  try {
    return await probeWith(input, argv, io);
  } finally {
    input.close();
  }
}

async function probeWith(input: AgentInput, argv: ParsedArgv, io: AgentIo): Promise<number> {
  const procRoot = lastValue(argv, 'proc-root', io.env.NETPOL_ASSERT_PROC ?? '/proc');
  // Read /proc while the batch is on its way (an exec opened early waits for it).
  const scan = new PodProcessScan({ procRoot, skipPids: [process.pid] });
  scan.update().catch(() => undefined);
  const batch = await input.batch();
  if (!batch.ok) {
    io.stdout(`TAP version 14\n${formatBailOut(`bad batch: larger than ${LIMITS.batchBytes} bytes`)}`);
    return EXIT.usage;
  }
  const decoded = decodeBatch(batch.text);
  if (!decoded.ok) {
    io.stdout(`TAP version 14\n${formatBailOut(`bad batch: ${decoded.problems.join('; ')}`)}`);
    return EXIT.usage;
  }
  const binary = argv.values.has('probe-binary')
    ? lastValue(argv, 'probe-binary', '')
    : await probeBinary().catch((error: unknown) => error as Error);
  if (binary instanceof Error) {
    io.stdout(`TAP version 14\n${formatBailOut(binary.message)}`);
    return EXIT.failed;
  }
  const output = perTurnWriter(io.stdout);
  await runBatch(decoded.value, {
    binary,
    procRoot,
    skipPids: [process.pid],
    scan,
    write: output.write,
    stops: (onStop) => input.stops(onStop),
    go: () => input.go(),
  });
  output.flush();
  return EXIT.ok;
}

/**
 * The TAP text, gathered and written once per turn of the event loop: the responses that
 * came in one turn are one write, not one each. Each write is a frame on every hop back
 * to the runner (the exec, the kubelet, the API server), and a node's batch has thousands.
 */
function perTurnWriter(write: (text: string) => void): { write: (text: string) => void; flush: () => void } {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return {
    write: (text) => {
      pending.push(text);
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    flush,
  };
}

async function respondCommand(argv: ParsedArgv, io: AgentIo): Promise<number> {
  if (argv.values.has('sctp')) {
    io.stderr(
      'respond: SCTP is not available in Node.js (no SCTP sockets); serve SCTP with another responder\n',
    );
    return EXIT.usage;
  }
  const tcp = portValues(argv, 'tcp');
  const udp = portValues(argv, 'udp');
  const bad = tcp.bad ?? udp.bad;
  if (bad !== undefined || tcp.ports.length + udp.ports.length === 0) {
    io.stderr(
      `respond: ${bad === undefined ? 'give at least one --tcp or --udp port' : `'${bad}' is not a port`}\n`,
    );
    return EXIT.usage;
  }
  const responder = await startResponder(
    { tcp: tcp.ports, udp: udp.ports },
    argv.values.get('banner')?.at(-1),
  );
  io.stdout(`ready ${responder.listening.join(' ')}\n`);
  await waitForTermination();
  await responder.close();
  return EXIT.ok;
}

async function idleCommand(_argv: ParsedArgv, io: AgentIo): Promise<number> {
  io.stdout('idle: waiting for SIGTERM\n');
  await waitForTermination();
  return EXIT.ok;
}

async function versionCommand(_argv: ParsedArgv, io: AgentIo): Promise<number> {
  io.stdout(`${JSON.stringify(await agentVersion())}\n`);
  return EXIT.ok;
}

async function buildProbeCommand(_argv: ParsedArgv, io: AgentIo): Promise<number> {
  io.stdout(`${await buildProbeBinary()}\n`);
  return EXIT.ok;
}
