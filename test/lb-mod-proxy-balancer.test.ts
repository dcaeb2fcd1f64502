import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerClient, deploy } from '@tomcat-pd/core';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { startHttpd, type HttpdInstance } from '@tomcat-pd/testkit/httpd';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
// The drivers are not exported by the package yet (issue 20 adds the layer): the source is tested.
import { parseBalancerOptions, type SpecOf } from '../packages/core/src/balancer/balancer-options.js';
import type { BalancerDriver } from '../packages/core/src/balancer/balancer-driver.js';
import { changeMemberState } from '../packages/core/src/balancer/change-member-state.js';
import {
  postWorkerStatus,
  readManagerBalancer,
} from '../packages/core/src/balancer/mod-proxy-balancer/manager-exchange.js';
import { createModProxyBalancerDriver } from '../packages/core/src/balancer/mod-proxy-balancer/mod-proxy-balancer-driver.js';
import { errorData } from '../packages/core/src/errors/error-data.js';
import { BalancerError, ConnectionError, UsageError } from '../packages/core/src/errors/error-classes.js';

const CONSOLE_USER = { name: 'bm-admin', password: `bm s3cret:${Date.now()}` };

let tomcats: LocalTomcatInstance[] = [];
let httpd: HttpdInstance | undefined;
let warDir: string | undefined;

beforeAll(async () => {
  warDir = await mkdtemp(join(tmpdir(), 'tomcat-pd-wars-'));
  tomcats = await Promise.all(['web1', 'web2'].map((route) => startLocalTomcat({ jvmRoute: route })));
  const war = await buildTestWar(warDir, { label: 'shop' });
  for (const tomcat of tomcats) {
    await deploy(
      createManagerClient({ url: tomcat.managerUrl, user: tomcat.user, password: tomcat.password }),
      {
        path: '/shop',
        warFile: war,
      },
    );
  }
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
  await Promise.all(tomcats.map((tomcat) => tomcat.stop()));
  if (warDir !== undefined) await rm(warDir, { recursive: true, force: true });
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

/** A new browser whose session lives on `route`: new visitors until one lands there. */
async function visitorOn(route: string): Promise<Visitor> {
  for (let i = 0; i < 10; i++) {
    const visitor = new Visitor(httpd!.baseUrl);
    const visit = await visitor.get('/shop/');
    if (visit.sessionId?.endsWith(`.${route}`)) return visitor;
  }
  throw new Error(`no new visitor reached ${route} in 10 tries`);
}

async function newVisitorRoutes(count: number): Promise<string[]> {
  const routes: string[] = [];
  for (let i = 0; i < count; i++) {
    const visit = await new Visitor(httpd!.baseUrl).get('/shop/');
    routes.push(visit.sessionId?.split('.').at(-1) ?? `HTTP ${visit.status}`);
  }
  return routes;
}

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
    const sticky = await visitorOn('web1');
    const first = await sticky.get('/shop/');

    const drained = await changeMemberState(driver(), 'web1', 'drain');
    expect([drained.before.admin, drained.after.admin, drained.changed]).toEqual(['ready', 'drain', true]);
    const worker = (await readManagerBalancer(spec(), {})).workers[0];
    expect(worker?.status).toEqual(['Init', 'Drn', 'Ok']);
    for (let i = 0; i < 5; i++) {
      expect(await sticky.get('/shop/')).toMatchObject({ sessionId: first.sessionId });
    }
    expect(await newVisitorRoutes(8)).toEqual(Array(8).fill('web2'));

    const stopped = await changeMemberState(driver(), 'web1', 'maint');
    expect(stopped.after.admin).toBe('maint');
    expect((await readManagerBalancer(spec(), {})).workers[0]?.status).toEqual(['Init', 'Stop']);
    const moved = await sticky.get('/shop/');
    expect(moved.sessionId).toMatch(/\.web2$/);

    const ready = await changeMemberState(driver(), 'web1', 'ready');
    expect(ready.after.admin).toBe('ready');
    // byrequests counts the sticky requests web1 served while draining against its share: the
    // others get new visitors until they catch up (7 here), then web1 gets its turns again.
    expect(await newVisitorRoutes(16)).toContain('web1');
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

  it('a console where nothing listens is a ConnectionError', async () => {
    const error = await driver({ url: `http://127.0.0.1:${await freePort()}/balancer-manager` })
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'E_CONNECT', networkCode: 'ECONNREFUSED' });
  });

  it('a wrong console password is E_AUTH naming the balancer, with no password anywhere in it', async () => {
    const wrong = `wrong-${CONSOLE_USER.password}`;
    const error = await driver({ password: wrong })
      .read()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_AUTH', status: 401 });
    const shown = JSON.stringify({
      data: errorData(error),
      message: String(error),
      stack: (error as Error).stack,
    });
    expect(shown).toContain("Balancer web's console");
    expect(shown).not.toContain(CONSOLE_USER.password);
    expect(shown).not.toContain(Buffer.from(`${CONSOLE_USER.name}:${wrong}`).toString('base64'));
  });
});
