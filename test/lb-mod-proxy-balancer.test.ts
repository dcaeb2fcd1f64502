import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpd, type HttpdInstance } from '@tomcat-pd/testkit/httpd';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
// The drivers are not exported by the package yet (issue 20 adds the layer): the source is tested.
import { parseBalancerOptions, type SpecOf } from '../packages/core/src/balancer/balancer-options.js';
import type { BalancerDriver } from '../packages/core/src/balancer/balancer-driver.js';
import { changeMemberState } from '../packages/core/src/balancer/change-member-state.js';
import {
  postWorkerStatus,
  readManagerBalancer,
} from '../packages/core/src/balancer/mod-proxy-balancer/manager-exchange.js';
import { createModProxyBalancerDriver } from '../packages/core/src/balancer/mod-proxy-balancer/mod-proxy-balancer-driver.js';
import { BalancerError, UsageError } from '../packages/core/src/errors/error-classes.js';
import { consoleFaultTests } from './console-faults.js';
import { newVisitorRoutes, startRoutedTomcats, visitorOn, type RoutedTomcats } from './routed-tomcats.js';

const CONSOLE_USER = { name: 'bm-admin', password: `bm s3cret:${Date.now()}` };

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let httpd: HttpdInstance | undefined;

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/shop' });
  tomcats = fleet.tomcats;
  httpd = await startHttpd({
    kind: 'mod_proxy_balancer',
    members: tomcats.map((tomcat, i) => ({
      name: `web${i + 1}`,
      port: Number(new URL(tomcat.baseUrl).port),
    })),
    consoleUser: CONSOLE_USER,
    noNonceBalancer: 'frozen',
  });
});

afterAll(async () => {
  await httpd?.stop();
  await fleet?.stop();
});

function spec(overrides: { url?: string; balancer?: string; password?: string } = {}) {
  return parseBalancerOptions({
    type: 'mod_proxy_balancer',
    name: 'web',
    url: overrides.url ?? httpd!.consoleUrl,
    balancer: overrides.balancer ?? 'shop',
    user: CONSOLE_USER.name,
    password: overrides.password ?? CONSOLE_USER.password,
    timeoutMs: 5_000,
  }) as SpecOf<'mod_proxy_balancer'>;
}

function driver(overrides: Parameters<typeof spec>[0] = {}): BalancerDriver {
  return createModProxyBalancerDriver(spec(overrides));
}

async function admins(balancer = 'shop'): Promise<string[]> {
  return (await driver({ balancer }).read()).members.map((m) => `${m.name}:${m.admin}`);
}

const web1Url = () => tomcats[0]!.baseUrl;

const visitorAt = async (route: string) => (await visitorOn(httpd!.baseUrl, '/shop/', route)).visitor;
const newVisitors = (count: number) => newVisitorRoutes(httpd!.baseUrl, '/shop/', count);

describe('mod_proxy_balancer balancer-manager driver against httpd 2.4', () => {
  it('reads both workers by route: ready, unchecked (no health checks), the nonce as the generation', async () => {
    const reading = await driver().read();
    expect(reading).toMatchObject({ balancer: 'web', type: 'mod_proxy_balancer' });
    expect(reading.members.map((m) => [m.name, m.admin, m.health, m.inFlight])).toEqual([
      ['web1', 'ready', 'unchecked', 0],
      ['web2', 'ready', 'unchecked', 0],
    ]);
    expect(reading.generation).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('drains web1 (N): its sticky visitor stays, new visitors never reach it; maint (S) moves the visitor; ready takes new ones again', async () => {
    const sticky = await visitorAt('web1');
    const first = await sticky.get('/shop/');

    const drained = await changeMemberState(driver(), 'web1', 'drain');
    expect([drained.before.admin, drained.after.admin, drained.changed]).toEqual(['ready', 'drain', true]);
    const worker = (await readManagerBalancer(spec(), {})).workers[0];
    expect(worker?.status).toEqual(['Init', 'Drn', 'Ok']);
    for (let i = 0; i < 5; i++) {
      expect(await sticky.get('/shop/')).toMatchObject({ sessionId: first.sessionId });
    }
    expect(await newVisitors(8)).toEqual(Array(8).fill('web2'));

    const stopped = await changeMemberState(driver(), 'web1', 'maint');
    expect(stopped.after.admin).toBe('maint');
    expect((await readManagerBalancer(spec(), {})).workers[0]?.status).toEqual(['Init', 'Stop']);
    const moved = await sticky.get('/shop/');
    expect(moved.sessionId).toMatch(/\.web2$/);

    const ready = await changeMemberState(driver(), 'web1', 'ready');
    expect(ready.after.admin).toBe('ready');
    // byrequests counts the sticky requests web1 served while draining against its share: the
    // others get new visitors until they catch up (7 here), then web1 gets its turns again.
    expect(await newVisitors(16)).toContain('web1');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('names a member by its worker URL as well as by its route', async () => {
    await driver().send(web1Url(), 'drain');
    expect(await admins()).toEqual(['web1:drain', 'web2:ready']);
    await driver().send('web1', 'ready');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('a member the balancer lacks is a usage error naming its members, and nothing changes', async () => {
    const error = await changeMemberState(driver(), 'web9', 'drain').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('its members: web1, web2');
    const sent = await driver()
      .send('web9', 'drain')
      .catch((e: unknown) => e);
    expect(sent).toBeInstanceOf(UsageError);
    expect((sent as UsageError).message).toContain(`web1 (${web1Url()})`);
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('an update without the Referer changes nothing, and its answer (the HTML page) says why', async () => {
    const { nonce } = await readManagerBalancer(spec(), {});
    const update = { worker: web1Url(), member: 'web1', nonce: nonce!, state: 'drain' as const };
    const error = await postWorkerStatus(spec(), update, {}, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({ answer: 'the HTML page', member: 'web1' });
    expect((error as BalancerError).message).toContain('Referer');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('an update with a stale nonce changes nothing, and the XML answer shows it did not take', async () => {
    const update = {
      worker: web1Url(),
      member: 'web1',
      nonce: '00000000-0000-0000-0000-000000000000',
      state: 'drain' as const,
    };
    const error = await postWorkerStatus(spec(), update, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({ answer: 'status Init Ok' });
    expect((error as BalancerError).message).toContain('stale nonce');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('a balancer with nonce=None cannot be changed: a BalancerError saying so, nothing sent', async () => {
    const error = await changeMemberState(driver({ balancer: 'frozen' }), 'web1', 'drain').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({ answer: 'nonce=None' });
    expect((error as BalancerError).message).toContain('nonce=None');
    expect(await admins('frozen')).toEqual(['web1:ready', 'web2:ready']);
  });

  it('a balancer the console lacks is a BalancerError naming the ones it has', async () => {
    const error = await driver({ balancer: 'nope' })
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({ answer: 'balancers: shop, frozen' });
  });

  consoleFaultTests({ driver, consolePath: '/balancer-manager', balancerName: 'web', user: CONSOLE_USER });
});
