import { afterEach, describe, expect, it } from 'vitest';
import { createHaproxyDriver } from '../../../src/balancer/haproxy/haproxy-driver.js';
import { BalancerError, ConnectionError, UsageError } from '../../../src/errors/error-classes.js';
import { haproxyAnswer } from './recorded.js';
import { standInRuntimeApi, type StandInReply } from './stand-in-runtime-api.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** HAProxy as recorded: each command answered with its fixture, `overrides` first. */
async function recordedHaproxy(overrides: Record<string, StandInReply> = {}) {
  const answers: Record<string, StandInReply> = {
    'show servers state tomcats': haproxyAnswer('servers-state-drain-maint.txt'),
    'show stat tomcats 4 -1': haproxyAnswer('stat-drain-maint.txt'),
    'show info': haproxyAnswer('info.txt'),
    'show backend': haproxyAnswer('show-backend.txt'),
    'set server tomcats/web1 state drain': haproxyAnswer('set-server-ok.txt'),
    'set server tomcats/web9 state drain': haproxyAnswer('no-such-server.txt'),
    ...overrides,
  };
  const api = await standInRuntimeApi((command) => answers[command] ?? haproxyAnswer('unknown-command.txt'));
  cleanups.push(() => api.close());
  return api;
}

const driverAt = (socket: string, backend = 'tomcats', timeoutMs = 2_000) =>
  createHaproxyDriver({ type: 'haproxy', name: 'lb1', socket, backend, timeoutMs, members: {} });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('createHaproxyDriver over a stand-in replaying HAProxy 2.6.12', () => {
  it('reads the backend: states, health and counters per server, and the generation', async () => {
    const api = await recordedHaproxy();
    const driver = driverAt(api.socket);
    expect([driver.name, driver.type, driver.address]).toEqual(['lb1', 'haproxy', api.socket]);
    const reading = await driver.read();
    expect(reading).toEqual({
      balancer: 'lb1',
      type: 'haproxy',
      generation: 'pid 28804 started 1796660687',
      members: [
        { name: 'web1', admin: 'drain', health: 'up', inFlight: 0, idleSeconds: 4 },
        { name: 'web2', admin: 'maint', health: 'down', inFlight: 0, idleSeconds: 4 },
        { name: 'web3', admin: 'drain', health: 'down', inFlight: 0, idleSeconds: undefined },
        { name: 'web4', admin: 'ready', health: 'unchecked', inFlight: 0, idleSeconds: 1 },
      ],
    });
    expect([...api.commands].sort()).toEqual([
      'show info',
      'show servers state tomcats',
      'show stat tomcats 4 -1',
    ]);
  });

  it('sends "set server <backend>/<member> state <state>" and takes the empty line as done', async () => {
    const api = await recordedHaproxy();
    await driverAt(api.socket).send('web1', 'drain');
    expect(api.commands).toEqual(['set server tomcats/web1 state drain']);
  });

  it('makes "No such server." a UsageError listing the servers of the backend', async () => {
    const api = await recordedHaproxy();
    const error = await failure(driverAt(api.socket).send('web9', 'drain'));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `Balancer lb1 (${api.socket}) has no server web9 in backend tomcats; its servers: web1, web2, web3, web4.`,
    );
  });

  it('makes a wrong backend a UsageError listing the backends, on read and on send', async () => {
    const api = await recordedHaproxy({
      'show servers state nope': haproxyAnswer('cant-find-backend.txt'),
      'show stat nope 4 -1': haproxyAnswer('no-such-proxy.txt'),
      'set server nope/web1 state maint': haproxyAnswer('no-such-backend.txt'),
    });
    const driver = driverAt(api.socket, 'nope');
    for (const error of [await failure(driver.read()), await failure(driver.send('web1', 'maint'))]) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(
        `Balancer lb1 (${api.socket}) has no backend nope; its backends: tomcats.`,
      );
    }
  });

  it('makes "Permission denied" a BalancerError carrying the answer', async () => {
    const api = await recordedHaproxy({
      'set server tomcats/web1 state maint': haproxyAnswer('permission-denied.txt'),
    });
    const error = await failure(driverAt(api.socket).send('web1', 'maint'));
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({ balancer: 'lb1', member: 'web1', answer: 'Permission denied' });
  });

  it('makes any other answer to a setter a BalancerError with the text shortened', async () => {
    const api = await recordedHaproxy({
      'set server tomcats/web1 state ready': `Maybe.\n${'x'.repeat(400)}\n\n`,
    });
    const error = await failure(driverAt(api.socket).send('web1', 'ready'));
    expect(error).toBeInstanceOf(BalancerError);
    expect((error as BalancerError).answer).toBe(`Maybe. | ${'x'.repeat(191)}...`);
  });

  it('makes garbage, or an answer cut short by a close, a BalancerError; never a wrong reading', async () => {
    const cut = haproxyAnswer('servers-state-ready.txt').slice(0, -40);
    for (const answer of ['\u0000\u0001garbage\n', cut]) {
      const api = await recordedHaproxy({ 'show servers state tomcats': answer });
      const error = await failure(driverAt(api.socket).read());
      expect(error).toBeInstanceOf(BalancerError);
      expect((error as Error).message).toMatch(
        /answered "show servers" with what is not HAProxy's runtime API/,
      );
    }
  });

  it('is a ConnectionError when the answer does not come in time', async () => {
    const api = await recordedHaproxy({ 'show info': () => undefined });
    const error = await failure(driverAt(api.socket, 'tomcats', 300).read());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ networkCode: 'ERR_NO_ANSWER' });
  });

  it('refuses, before anything is sent, a socket that is no address and names HAProxy cannot have', async () => {
    expect(() => driverAt('tcp://127.0.0.1')).toThrow(UsageError);
    expect(() => driverAt('/run/haproxy/admin.sock', 'two words')).toThrow(
      /backend name "two words" cannot be HAProxy's/,
    );
    const api = await recordedHaproxy();
    const error = await failure(
      driverAt(api.socket).send('web1\nset server tomcats/web2 state maint', 'drain'),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(api.commands).toEqual([]);
  });
});
