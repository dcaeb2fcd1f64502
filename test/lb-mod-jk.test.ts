import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpd, type HttpdInstance } from '@tomcat-pd/testkit/httpd';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
// The drivers are not exported by the package yet (issue 20 adds the layer): the source is tested.
import { parseBalancerOptions, type SpecOf } from '../packages/core/src/balancer/balancer-options.js';
import type { BalancerDriver } from '../packages/core/src/balancer/balancer-driver.js';
import { changeMemberState } from '../packages/core/src/balancer/change-member-state.js';
import { createModJkDriver } from '../packages/core/src/balancer/mod-jk/mod-jk-driver.js';
import { BalancerError, UsageError } from '../packages/core/src/errors/error-classes.js';
import { consoleFaultTests } from './console-faults.js';
import { newVisitorRoutes, startRoutedTomcats, visitorOn, type RoutedTomcats } from './routed-tomcats.js';

const CONSOLE_USER = { name: 'jk-admin', password: `jk s3cret:${Date.now()}` };

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let httpd: HttpdInstance | undefined;

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/shop', ajp: true });
  tomcats = fleet.tomcats;
  httpd = await startHttpd({
    kind: 'mod_jk',
    members: tomcats.map((tomcat, i) => ({ name: `web${i + 1}`, port: tomcat.ajpPort! })),
    consoleUser: CONSOLE_USER,
  });
});

afterAll(async () => {
  await httpd?.stop();
  await fleet?.stop();
});

function driver(overrides: { url?: string; balancer?: string; password?: string } = {}): BalancerDriver {
  const spec = parseBalancerOptions({
    type: 'mod_jk',
    name: 'jk1',
    url: overrides.url ?? httpd!.consoleUrl,
    balancer: overrides.balancer ?? 'lb',
    user: CONSOLE_USER.name,
    password: overrides.password ?? CONSOLE_USER.password,
    timeoutMs: 5_000,
  }) as SpecOf<'mod_jk'>;
  return createModJkDriver(spec);
}

async function admins(): Promise<string[]> {
  return (await driver().read()).members.map((m) => `${m.name}:${m.admin}`);
}

const visitorAt = async (route: string) => (await visitorOn(httpd!.baseUrl, '/shop/', route)).visitor;
const newVisitors = (count: number) => newVisitorRoutes(httpd!.baseUrl, '/shop/', count);

describe('mod_jk status worker driver against httpd 2.4 + mod_jk', () => {
  it('reads both members of the lb worker: ready, up, nothing in flight', async () => {
    const reading = await driver().read();
    expect(reading).toMatchObject({ balancer: 'jk1', type: 'mod_jk' });
    expect(reading.members.map((m) => [m.name, m.admin, m.health, m.inFlight])).toEqual([
      ['web1', 'ready', 'up', 0],
      ['web2', 'ready', 'up', 0],
    ]);
    expect(reading.generation).toMatch(/^\d+$/);
  });

  it('drains web1: its sticky visitor stays, new visitors never reach it; maint moves the visitor; ready takes new ones again', async () => {
    const sticky = await visitorAt('web1');
    const first = await sticky.get('/shop/');

    const drained = await changeMemberState(driver(), 'web1', 'drain');
    expect([drained.before.admin, drained.after.admin, drained.changed]).toEqual(['ready', 'drain', true]);
    for (let i = 0; i < 5; i++) {
      expect(await sticky.get('/shop/')).toMatchObject({ sessionId: first.sessionId });
    }
    expect(await newVisitors(8)).toEqual(Array(8).fill('web2'));

    const stopped = await changeMemberState(driver(), 'web1', 'maint');
    expect(stopped.after.admin).toBe('maint');
    const moved = await sticky.get('/shop/');
    expect(moved.sessionId).toMatch(/\.web2$/);

    const ready = await changeMemberState(driver(), 'web1', 'ready');
    expect(ready.after.admin).toBe('ready');
    expect(await newVisitors(6)).toContain('web1');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('a member the lb worker lacks is a usage error naming its members, and nothing changes', async () => {
    const error = await changeMemberState(driver(), 'web9', 'drain').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('its members: web1, web2');
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it("an update mod_jk refuses (type=ERROR, HTTP 200) is a BalancerError carrying mod_jk's message", async () => {
    const error = await driver()
      .send('web9', 'drain')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({
      code: 'E_BALANCER',
      balancer: 'jk1',
      member: 'web9',
      answer: 'could not find sub worker',
    });
    expect(await admins()).toEqual(['web1:ready', 'web2:ready']);
  });

  it('an lb worker the status worker does not know is a BalancerError', async () => {
    const error = await driver({ balancer: 'nolb' })
      .read()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BalancerError);
    expect((error as BalancerError).answer).toBe('Could not find given worker');
  });

  it('a URL that is not the status worker (a 404 from Tomcat behind it) is a BalancerError', async () => {
    const error = await driver({ url: `${httpd!.baseUrl}/no-such-console` })
      .read()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_BALANCER', answer: 'HTTP 404' });
  });

  consoleFaultTests({ driver, consolePath: '/jkstatus', balancerName: 'jk1', user: CONSOLE_USER });
});
