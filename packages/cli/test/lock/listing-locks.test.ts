import { describe, expect, it } from 'vitest';
import type { ContextEntry, ManagerClient } from '@tomcat-pd/core';
import { recordingLocks } from '../../src/lock/listing-locks.js';

const NOW = new Date('2026-12-08T03:00:00Z');
const SHOP_LOCK = '/tomcat-pd-lock/app/shop/L1~3fa9c2d1e0~20261208T025500Z~20261208T031000Z~deploy~alice@ci7';
const CART_LOCK = '/tomcat-pd-lock/app/cart/L1~0123456789~20261208T025500Z~20261208T031000Z~deploy~bob@ci8';

function entry(path: string, version = ''): ContextEntry {
  return { path, version, state: 'running', sessions: 0, name: path.slice(1) };
}

/** A Manager that lists two apps and two lock records, and counts its lists. */
function client(name: string) {
  const counted = { lists: 0 };
  const fake = {
    name,
    listAll: () => {
      counted.lists += 1;
      return Promise.resolve({
        entries: [entry('/shop', '004'), entry(SHOP_LOCK), entry('/cart', '002'), entry(CART_LOCK)],
        date: NOW,
      });
    },
  } as unknown as ManagerClient;
  return { fake, counted };
}

describe('recordingLocks', () => {
  it("reads the lock of the scope from the view's own list, once, and hands the view the apps only", async () => {
    const web1 = client('web1');
    const listed = recordingLocks([web1.fake], { kind: 'app', path: '/shop' });
    const apps = await listed.clients[0]!.list();
    expect(apps.map((app) => app.path)).toEqual(['/shop', '/cart']);
    expect(web1.counted.lists).toBe(1);
    const [reading] = listed.readings();
    expect(reading).toMatchObject({ kind: 'read', target: 'web1', clock: 'target', now: NOW });
    expect(reading?.kind === 'read' ? reading.holders.map((holder) => holder.actor) : []).toEqual([
      'alice@ci7',
    ]);
  });

  it('without a scope, every holder; a target listed again keeps its last reading only', async () => {
    const listed = recordingLocks([client('web1').fake], undefined);
    await listed.clients[0]!.list();
    await listed.clients[0]!.list();
    const readings = listed.readings();
    expect(readings).toHaveLength(1);
    expect(
      readings[0]?.kind === 'read' ? readings[0].holders.map((holder) => holder.actor).sort() : [],
    ).toEqual(['alice@ci7', 'bob@ci8']);
  });
});
