import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  AgentOutputReader,
  decodeBatch,
  encodeBatch,
  formatHeader,
  formatPlan,
  formatResult,
  isCarriedOut,
  readAgentOutput,
  summaryObservation,
} from '../../agent/index.js';
import type { AgentBatch, AgentResponse } from '../../agent/index.js';

const batch: AgentBatch = {
  version: 1,
  requests: [
    {
      kind: 'probe',
      id: 'shop/web>shop/api:8080/TCP',
      source: { kind: 'pod', uid: '5b0c7a52-0001-4000-8000-000000000001' },
      ip: '10.244.1.7',
      port: 8080,
      protocol: 'TCP',
      timeoutMs: 1000,
      attempts: 2,
    },
    {
      kind: 'probe',
      id: 'dns',
      source: { kind: 'netns', path: '/run/netns/npa-default-p-1' },
      ip: 'fd00::a',
      port: 53,
      protocol: 'UDP',
      timeoutMs: 500,
      attempts: 1,
      nonce: 'n-1',
      udpProof: 'capture',
      destination: { kind: 'pod', uid: 'abc' },
    },
    {
      kind: 'capture',
      id: 'cap',
      at: { kind: 'host' },
      port: 53,
      nonce: 'n-2',
      attempts: 1,
      timeoutMs: 3000,
    },
  ],
};

const connected: AgentResponse = {
  version: 1,
  kind: 'probe',
  id: 'shop/web>shop/api:8080/TCP',
  observation: 'mixed',
  attempts: [
    { observation: 'connected', elapsedMs: 2 },
    { observation: 'timeout', elapsedMs: 1000 },
  ],
  elapsedMs: 1003,
  netns: '/proc/42/ns/net',
};

const notFound: AgentResponse = {
  version: 1,
  kind: 'capture',
  id: 'cap',
  observation: 'error',
  attempts: [],
  elapsedMs: 0,
  reason: 'no process of pod abc on this node',
};

describe('the batch on stdin', () => {
  test('a batch survives encoding and decoding unchanged', () => {
    const decoded = decodeBatch(encodeBatch(batch));
    assert.deepEqual(decoded, { ok: true, value: batch });
  });

  test('every problem of a bad batch is listed with its request index', () => {
    const decoded = decodeBatch(
      JSON.stringify({
        version: 1,
        requests: [
          {
            kind: 'probe',
            id: 'a b',
            source: { kind: 'pod', uid: 'x' },
            ip: '10.0.0.1',
            port: 0,
            protocol: 'tcp',
          },
          {
            kind: 'capture',
            id: 'c',
            at: { kind: 'netns', path: 'relative' },
            port: 53,
            attempts: 1,
            timeoutMs: 1,
          },
          {
            kind: 'probe',
            id: 'c',
            source: { kind: 'host' },
            ip: 'not-an-ip',
            port: 80,
            protocol: 'TCP',
            timeoutMs: 1,
            attempts: 1,
            extra: 1,
          },
        ],
      }),
    );
    assert.equal(decoded.ok, false);
    assert.deepEqual(!decoded.ok && decoded.problems, [
      'requests[0]: id: want 1-256 printable characters without spaces, # or \\',
      'requests[0]: port: want an integer from 1 to 65535',
      'requests[0]: protocol: want TCP, UDP or SCTP',
      'requests[0]: timeoutMs: want an integer from 1 to 600000',
      'requests[0]: attempts: want an integer from 1 to 100',
      'requests[1]: at.path: want an absolute path of at most 4096 characters',
      'requests[1]: nonce: want 1-64 of [A-Za-z0-9._-]',
      "requests[2]: unknown key 'extra'",
      'requests[2]: ip: want an IPv4 or IPv6 address',
      "requests[2]: id 'c' is used twice",
    ]);
  });

  test('a batch of another protocol version is refused', () => {
    const decoded = decodeBatch(JSON.stringify({ version: 2, requests: [] }));
    assert.deepEqual(decoded, { ok: false, problems: ['version 2: this agent speaks 1'] });
  });

  test('udpProof belongs to UDP, and a capture destination to udpProof capture', () => {
    const request = { ...batch.requests[0], udpProof: 'echo', destination: { kind: 'host' } };
    const decoded = decodeBatch(JSON.stringify({ version: 1, requests: [request] }));
    assert.deepEqual(!decoded.ok && decoded.problems, [
      'requests[0]: udpProof: only for UDP',
      'requests[0]: destination: only with udpProof capture',
    ]);
  });

  test('a held probe says so with hold: true, and nothing else', () => {
    const request = {
      kind: 'probe',
      id: 'held',
      source: { kind: 'host' },
      ip: '198.18.0.9',
      port: 9125,
      protocol: 'UDP',
      timeoutMs: 1000,
      attempts: 1,
      udpProof: 'capture',
      nonce: 'n.1',
    };
    const held = decodeBatch(JSON.stringify({ version: 1, requests: [{ ...request, hold: true }] }));
    assert.deepEqual(held.ok && held.value.requests, [{ ...request, hold: true }]);
    const wrong = decodeBatch(JSON.stringify({ version: 1, requests: [{ ...request, hold: 'yes' }] }));
    assert.deepEqual(!wrong.ok && wrong.problems, ['requests[0]: hold: want true, or no hold']);
  });

  test('text that is not JSON is refused with the parser message', () => {
    const decoded = decodeBatch('{');
    assert.equal(decoded.ok, false);
    assert.match(!decoded.ok ? (decoded.problems[0] ?? '') : '', /^not JSON: /);
  });
});

describe('the TAP results on stdout', () => {
  test('responses survive formatting and reading back', () => {
    const text =
      formatHeader(2) + '# ready\n' + formatResult(1, connected) + formatResult(2, notFound) + formatPlan(2);
    assert.deepEqual(readAgentOutput(text), [
      { kind: 'ready' },
      { kind: 'result', number: 1, ok: true, response: connected },
      { kind: 'result', number: 2, ok: false, response: notFound },
      { kind: 'plan', count: 2 },
    ]);
  });

  test('a test point is TAP 14: ok N - id, then the response as an indented YAML block', () => {
    const lines = formatResult(7, connected).split('\n');
    assert.equal(lines[0], 'ok 7 - shop/web>shop/api:8080/TCP');
    assert.equal(lines[1], '  ---');
    assert.equal(lines.at(-2), '  ...');
    // The block is one line of JSON, which is YAML too: a TAP reader gets the response.
    assert.equal(lines.length, 5);
    assert.deepEqual(parseYaml(lines[2] ?? ''), connected);
  });

  test('a block of YAML, as an agent of an earlier build writes it, is read as well', () => {
    const yaml = stringifyYaml(connected)
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    const text = `ok 1 - ${connected.id}\n  ---\n${yaml}\n  ...\n`;
    assert.deepEqual(readAgentOutput(text), [{ kind: 'result', number: 1, ok: true, response: connected }]);
  });

  test('a block of JSON that does not parse is an error', () => {
    const text = formatResult(1, connected).replace('"version":1', '"version":1,,');
    assert.throws(() => readAgentOutput(text), /agent output: .*JSON/);
  });

  test('ok means carried out: an attempt in error, or no attempt at all, is not ok', () => {
    assert.equal(isCarriedOut(connected), true);
    assert.equal(isCarriedOut(notFound), false);
    const failed: AgentResponse = {
      ...connected,
      attempts: [{ observation: 'error', elapsedMs: 0, detail: 'EMFILE' }],
    };
    assert.equal(isCarriedOut(failed), false);
    assert.match(formatResult(1, failed), /^not ok 1 - /);
    // A timeout is a carried-out probe: the runner decides what it means.
    assert.equal(
      isCarriedOut({ ...connected, attempts: [{ observation: 'timeout', elapsedMs: 1000 }] }),
      true,
    );
  });

  test('the reader hands out a result only when its YAML block closes', () => {
    const reader = new AgentOutputReader();
    const lines = formatResult(1, connected).trimEnd().split('\n');
    const events = lines.map((line) => reader.line(line));
    assert.deepEqual(events.slice(0, -1), new Array(lines.length - 1).fill(undefined));
    assert.deepEqual(events.at(-1), { kind: 'result', number: 1, ok: true, response: connected });
  });

  test('a bail out is read as one', () => {
    assert.deepEqual(readAgentOutput('TAP version 14\nBail out! bad batch: x\n'), [
      { kind: 'bail', reason: 'bad batch: x' },
    ]);
  });

  test('a block whose response names another id is an error', () => {
    const text = formatResult(1, connected).replace('ok 1 - shop/web>shop/api:8080/TCP', 'ok 1 - other');
    assert.throws(() => readAgentOutput(text), /test point 'other' holds/);
  });

  test('a block with an observation outside the protocol is an error', () => {
    const text = formatResult(1, connected).replace('"observation":"timeout"', '"observation":"allowed"');
    assert.throws(() => readAgentOutput(text), /an attempt observation/);
  });

  test('the summary is the shared observation, or mixed', () => {
    assert.equal(summaryObservation([{ observation: 'refused', elapsedMs: 1 }]), 'refused');
    assert.equal(summaryObservation(connected.attempts), 'mixed');
  });
});
