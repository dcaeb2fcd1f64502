import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { runCommand, type RuntimeEndpoint } from '../../../src/balancer/haproxy/runtime-client.js';
import { AbortedError, ConnectionError } from '../../../src/errors/error-classes.js';
import { standInRuntimeApi } from './stand-in-runtime-api.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function standIn(...args: Parameters<typeof standInRuntimeApi>) {
  const api = await standInRuntimeApi(...args);
  cleanups.push(() => api.close());
  return api;
}

const unix = (path: string, timeoutMs = 2_000): RuntimeEndpoint => ({
  balancer: 'lb1',
  address: path,
  socket: { kind: 'unix', path },
  timeoutMs,
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('runCommand (one command per connection)', () => {
  it('writes the command and a newline, and returns everything up to the close, chunks joined', async () => {
    const api = await standIn(() => (socket) => {
      socket.write('1\n# be_id');
      setTimeout(() => socket.end(' be_name\n\n'), 20);
    });
    expect(await runCommand(unix(api.path), 'show servers state tomcats')).toBe('1\n# be_id be_name\n\n');
    expect(api.commands).toEqual(['show servers state tomcats']);
  });

  it('is a ConnectionError naming the balancer and its address when the socket file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tomcat-pd-no-socket-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'admin.sock');
    const error = await failure(runCommand(unix(path), 'show info'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'E_CONNECT', networkCode: 'ENOENT', transient: false });
    expect((error as Error).message).toBe(
      `Cannot use balancer lb1's runtime API at ${path} (show info): no such socket (is HAProxy running, and is the path its "stats socket"?).`,
    );
  });

  it('is a ConnectionError when nothing listens on the TCP port', async () => {
    const port = await freePort();
    const endpoint: RuntimeEndpoint = {
      balancer: 'lb1',
      address: `tcp://127.0.0.1:${port}`,
      socket: { kind: 'tcp', host: '127.0.0.1', port },
      timeoutMs: 2_000,
    };
    const error = await failure(runCommand(endpoint, 'show info'));
    expect(error).toMatchObject({ code: 'E_CONNECT', networkCode: 'ECONNREFUSED', transient: true });
    expect((error as Error).message).toContain(`at tcp://127.0.0.1:${port} (show info): connection refused`);
  });

  it('times out when the answer does not end in time, and never waits much longer', async () => {
    const api = await standIn(() => (socket) => socket.write('1\n'));
    const started = Date.now();
    const error = await failure(runCommand(unix(api.path, 300), 'show servers state tomcats'));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ code: 'E_CONNECT', networkCode: 'ERR_NO_ANSWER', transient: true });
    expect((error as Error).message).toContain('(show servers): no complete answer in time');
  });

  it('is a ConnectionError when the connection is reset in the middle of the answer', async () => {
    // A reset is TCP's (a UNIX socket only closes, which the parsers see as a cut answer).
    const api = await standIn(
      () => (socket) => {
        socket.write('# pxname,svname,');
        setTimeout(() => socket.resetAndDestroy(), 20);
      },
      'tcp',
    );
    const endpoint: RuntimeEndpoint = {
      balancer: 'lb1',
      address: api.socket,
      socket: { kind: 'tcp', host: '127.0.0.1', port: api.port },
      timeoutMs: 2_000,
    };
    const error = await failure(runCommand(endpoint, 'show stat tomcats 4 -1'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ networkCode: 'ECONNRESET', transient: true });
  });

  it('is an AbortedError when the signal fires while waiting, and sends nothing when it fired before', async () => {
    const api = await standIn(() => () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(runCommand(unix(api.path, 5_000), 'show info', controller.signal));
    expect(error).toBeInstanceOf(AbortedError);
    const before = api.commands.length;
    expect(await failure(runCommand(unix(api.path), 'show info', AbortSignal.abort()))).toBeInstanceOf(
      AbortedError,
    );
    expect(api.commands.length).toBe(before);
  });
});
