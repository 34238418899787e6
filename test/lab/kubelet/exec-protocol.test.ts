/** The kubelet side of `pods/exec`: the request kube-apiserver forwards, the stream protocols, the final status. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chooseStreamProtocol,
  execStatus,
  parseExecRequest,
  readClientMessage,
} from '../../../src/lab/kubelet/index.js';

const url = (path: string): URL => new URL(path, 'https://localhost:10250');

describe('the exec request kube-apiserver forwards', () => {
  test('names namespace, pod and container in the path and one command parameter per argument', () => {
    const parsed = parseExecRequest(
      url('/exec/shop/web-1/web?command=sh&command=-c&command=echo%20hi&output=1&error=1'),
    );
    assert.deepEqual(parsed, {
      kind: 'exec',
      request: {
        namespace: 'shop',
        pod: 'web-1',
        container: 'web',
        command: ['sh', '-c', 'echo hi'],
        stdin: false,
        stdout: true,
        stderr: true,
        tty: false,
      },
    });
  });

  test('reads the kubelet names input, output and error, and the API names stdin, stdout and stderr', () => {
    const kubelet = parseExecRequest(url('/exec/a/b/c?command=x&input=1'));
    const api = parseExecRequest(url('/exec/a/b/c?command=x&stdin=true'));
    assert.ok(kubelet.kind === 'exec' && kubelet.request.stdin);
    assert.ok(api.kind === 'exec' && api.request.stdin);
  });

  test('is refused without any stream, without a command, or with a path of another shape', () => {
    assert.equal(parseExecRequest(url('/exec/a/b/c?command=x')).kind, 'invalid');
    assert.equal(parseExecRequest(url('/exec/a/b/c?output=1')).kind, 'invalid');
    assert.equal(parseExecRequest(url('/exec/a/b?command=x&output=1')).kind, 'invalid');
    assert.equal(parseExecRequest(url('/attach/a/b/c?output=1')).kind, 'invalid');
  });
});

describe('the stream protocols', () => {
  test('v5 is preferred, v4 is served, older and base64 ones are not', () => {
    assert.equal(chooseStreamProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
    assert.equal(chooseStreamProtocol(['v4.channel.k8s.io', 'v3.channel.k8s.io']), 'v4.channel.k8s.io');
    assert.equal(chooseStreamProtocol(['channel.k8s.io', 'v4.base64.channel.k8s.io']), undefined);
  });

  test('channel 0 carries stdin; [255, 0] closes stdin in v5 and means nothing in v4', () => {
    assert.deepEqual(readClientMessage('v4.channel.k8s.io', Buffer.from([0, 104, 105])), {
      kind: 'stdin',
      data: Buffer.from('hi'),
    });
    assert.deepEqual(readClientMessage('v5.channel.k8s.io', Buffer.from([255, 0])), { kind: 'close-stdin' });
    assert.deepEqual(readClientMessage('v4.channel.k8s.io', Buffer.from([255, 0])), { kind: 'ignored' });
    assert.deepEqual(readClientMessage('v5.channel.k8s.io', Buffer.from([4, 123])), { kind: 'resize' });
  });
});

describe('the status on the error channel', () => {
  test('is Success for exit code 0', () => {
    assert.deepEqual(execStatus(['true'], { kind: 'exited', exitCode: 0 }), {
      metadata: {},
      status: 'Success',
    });
  });

  test('is a NonZeroExitCode failure with the code as an ExitCode cause, as kubectl reads it', () => {
    const status = execStatus(['sh', '-c', 'exit 3'], { kind: 'exited', exitCode: 3 });
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
    assert.match(status.message ?? '', /exit code 3$/);
  });

  test('reports a command killed by a signal as 128 plus the signal number', () => {
    const status = execStatus(['sleep', '9'], { kind: 'signalled', signal: 'SIGKILL' });
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '137' }]);
  });

  test('is an InternalError when the command could not be started at all', () => {
    const status = execStatus(['x'], { kind: 'failed-to-start', message: 'spawn nsenter ENOENT' });
    assert.equal(status.reason, 'InternalError');
    assert.equal(status.code, 500);
  });
});
