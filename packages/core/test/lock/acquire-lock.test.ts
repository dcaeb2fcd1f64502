import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/error-classes.js';
import { LockedError, LockLostError, LockTargetError } from '../../src/errors/lock-errors.js';
import { acquireLock, inLockOrder } from '../../src/lock/acquire-lock.js';
import { lockRecordPath } from '../../src/lock/lock-record.js';
import { readLocks } from '../../src/lock/read-locks.js';
import { releaseLock } from '../../src/lock/release-lock.js';
import { isLockContextPath } from '../../src/versions/context-name.js';
import { entry, fakeFleet, type FakeManager } from '../helpers/fake-client.js';

const shop = { kind: 'app', path: '/shop' } as const;
const base = { scope: shop, command: 'deploy', actor: 'alice@ci7' };
const lockPaths = (fake: FakeManager) =>
  fake.contexts.filter((c) => isLockContextPath(c.path)).map((c) => c.path);

/** A record of another holder on `fake`, written as that holder would. */
function foreign(fake: FakeManager, expires: Date | undefined, key = 'app/shop', command = 'rollback'): void {
  const path = lockRecordPath({
    key,
    nonce: 'ffffffffff',
    since: new Date('2026-12-07T23:00:00Z'),
    expires,
    command,
    actor: 'bob@ci9',
  });
  fake.contexts.push(entry(path, ''));
}

describe('acquireLock', () => {
  it('takes the lock on every target in the order of their Manager URLs, and release removes it', async () => {
    const [web1, web2] = fakeFleet([], []);
    web1!.managerUrl = 'http://zeta.test/manager';
    expect(inLockOrder([web1!, web2!]).map((c) => c.name)).toEqual(['web2', 'web1']);
    const held = await acquireLock([web1!, web2!], base);
    expect(lockPaths(web1!)).toEqual([
      expect.stringMatching(/^\/tomcat-pd-lock\/app\/shop\/L1~[0-9a-f]{10}~.*~deploy~alice@ci7$/),
    ]);
    expect(lockPaths(web2!)).toHaveLength(1);
    // web2's record was written first: its deploy is its first change.
    const firstDeploy = (fake: FakeManager) =>
      fake.calls.indexOf(fake.calls.find((c) => c.startsWith('deploy'))!);
    expect(firstDeploy(web2!)).toBeGreaterThanOrEqual(0);
    await held.release();
    expect([...lockPaths(web1!), ...lockPaths(web2!)]).toEqual([]);
    expect(held.lost.aborted).toBe(false);
  });

  it('gives up after three quick tries with E_LOCKED naming the holder, command and since', async () => {
    const [web1] = fakeFleet([]);
    const held = await acquireLock([web1!], { ...base, actor: 'carol@box' });
    const error = await acquireLock([web1!], base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).message).toMatch(
      /lock of \/shop on web1 is held by carol@box \(deploy, since .* UTC, until .* UTC\)/,
    );
    expect((error as LockedError).holder).toMatchObject({
      actor: 'carol@box',
      command: 'deploy',
      target: 'web1',
    });
    expect(lockPaths(web1!)).toHaveLength(1);
    await held.release();
  });

  it('does not conflict with another app, but with the target lock', async () => {
    const [web1] = fakeFleet([]);
    const cart = await acquireLock([web1!], { ...base, scope: { kind: 'app', path: '/cart' } });
    const mine = await acquireLock([web1!], base);
    await expect(
      acquireLock([web1!], { ...base, scope: { kind: 'target' }, command: 'restart' }),
    ).rejects.toBeInstanceOf(LockedError);
    await Promise.all([cart.release(), mine.release()]);
    expect(lockPaths(web1!)).toEqual([]);
  });

  it('judges expiry on the target clock (its Date), never on this machine', async () => {
    const [web1] = fakeFleet([]);
    // The target's clock is a year behind this machine's: a record expiring an hour after the
    // target's now is live, though long past by this machine's clock.
    const targetNow = new Date(Date.now() - 365 * 86_400_000);
    web1!.serverClock = () => targetNow;
    foreign(web1!, new Date(targetNow.getTime() + 3_600_000));
    await expect(acquireLock([web1!], base)).rejects.toBeInstanceOf(LockedError);
    // And one the target says has expired is broken, though this machine's clock says it is far off.
    web1!.contexts = [];
    web1!.serverClock = () => new Date(Date.now() + 365 * 86_400_000);
    foreign(web1!, new Date(Date.now() + 86_400_000));
    const held = await acquireLock([web1!], base);
    expect(lockPaths(web1!)).toHaveLength(1);
    expect(lockPaths(web1!)[0]).toContain('~alice@ci7');
    await held.release();
  });

  it('all or none: a holder on the second target releases the first, nothing is left', async () => {
    const [web1, web2] = fakeFleet([], []);
    foreign(web2!, new Date(Date.now() + 3_600_000));
    await expect(acquireLock([web1!, web2!], base)).rejects.toBeInstanceOf(LockedError);
    expect(lockPaths(web1!)).toEqual([]);
    expect(lockPaths(web2!)).toHaveLength(1);
  });

  it('a target that cannot be reached releases the others and is named, with the code of its failure', async () => {
    const [web1, web2] = fakeFleet([], []);
    web2!.failNext.set('list', new ConnectionError('web2 refused the connection', { transient: false }));
    const error = await acquireLock([web1!, web2!], base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTargetError);
    expect(error).toMatchObject({ code: 'E_CONNECT', target: 'web2', left: [] });
    expect((error as Error).message).toContain('nothing is locked anywhere');
    expect(lockPaths(web1!)).toEqual([]);
  });

  it('waits with waitMs, holding nothing, until the holder goes', async () => {
    const [web1] = fakeFleet([]);
    const first = await acquireLock([web1!], base);
    setTimeout(() => void first.release(), 400);
    const second = await acquireLock([web1!], { ...base, waitMs: 10_000 });
    expect(lockPaths(web1!)).toHaveLength(1);
    await second.release();
  });

  it('renews by writing a new record before removing the old, and is lost when its record goes', async () => {
    const [web1] = fakeFleet([]);
    const held = await acquireLock([web1!], { ...base, ttlMs: 3_000 });
    const first = lockPaths(web1!);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const renewed = lockPaths(web1!);
    expect(renewed).toHaveLength(1);
    expect(renewed).not.toEqual(first);
    const deploy = web1!.calls.indexOf(`deploy ${renewed[0]}`);
    expect(web1!.calls.indexOf(`undeploy ${first[0]}##`)).toBeGreaterThan(deploy);
    web1!.contexts = [];
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(held.lost.aborted).toBe(true);
    expect(held.lost.reason).toBeInstanceOf(LockLostError);
    await held.release();
  });

  it('pauses for a takeover: others are refused, a takeover gets the payload, release clears all', async () => {
    const [web1, web2] = fakeFleet([], []);
    const held = await acquireLock([web1!, web2!], base);
    const payload = JSON.stringify({ version: '004', steps: ['1', 'pause', '100%'], sha256: 'a'.repeat(64) });
    await held.pause(payload);
    await held.release(); // a paused lock stays
    expect(lockPaths(web1!).some((p) => p.includes('~paused~'))).toBe(true);
    const refused = await acquireLock([web1!, web2!], { ...base, command: 'rollback' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'E_LOCKED', holder: { command: 'paused', expires: undefined } });
    expect((refused as LockedError).hint).toContain('promote or abort');
    const [read] = await readLocks([web1!], { scope: shop });
    expect(read).toMatchObject({ kind: 'read', pausedPayloads: [payload], holders: [{ paused: true }] });
    const promote = await acquireLock([web1!, web2!], { ...base, command: 'promote', takeover: 'paused' });
    expect(promote.paused).toMatchObject({ payload, actor: 'alice@ci7' });
    await promote.release();
    expect([...lockPaths(web1!), ...lockPaths(web2!)]).toEqual([]);
  });

  it('a takeover with nothing paused says so', async () => {
    const [web1] = fakeFleet([]);
    const held = await acquireLock([web1!], { ...base, takeover: 'paused' });
    expect(held.paused).toBeUndefined();
    await held.release();
  });
});

describe('releaseLock', () => {
  it('removes expired records only, and refuses a live holder without force', async () => {
    const [web1] = fakeFleet([]);
    foreign(web1!, new Date(Date.now() - 1_000));
    const [done] = await releaseLock([web1!], { scope: shop });
    expect(done?.removed).toMatchObject([{ actor: 'bob@ci9', expired: true }]);
    foreign(web1!, new Date(Date.now() + 3_600_000));
    await expect(releaseLock([web1!], { scope: shop })).rejects.toBeInstanceOf(LockedError);
    expect(lockPaths(web1!)).toHaveLength(1);
    await releaseLock([web1!], { scope: shop, force: true });
    expect(lockPaths(web1!)).toEqual([]);
  });
});
