import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaproxyWithConfig, type HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { expectExit, runCli } from './cli-helpers.js';
import {
  fleetEnv,
  routeOf,
  startRoutedTomcats,
  writeFleetConfig,
  type RoutedTomcats,
} from './routed-tomcats.js';

// The persistence cookie `lb config haproxy` writes, with its maxidle, run by a real haproxy 2.6
// in front of two Tomcat 10.1: a visitor idle past the app's session timeout has no session left,
// and is balanced anew instead of being sent back to a drained server (where a new session would
// keep the drain from ending; README "What a drain can promise"). maxidle is in minutes: this
// test waits a minute and more.

let fleet: RoutedTomcats | undefined;
let haproxy: HaproxyInstance | undefined;

const cli = (args: readonly string[]) => runCli(args, { cwd: fleet!.dir, env: fleetEnv(fleet!) });

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/mx' });
  haproxy = await startHaproxyWithConfig(async ({ adminSocket, port }) => {
    await writeFleetConfig(fleet!, [
      { name: 'lb1', type: 'haproxy', socket: adminSocket, backend: 'tomcats' },
    ]);
    const args = ['lb', 'config', 'haproxy', '--path', '/mx', '--session-timeout', '1'];
    return expectExit(await cli([...args, '--listen', `127.0.0.1:${port}`]), 0).stdout;
  });
});

afterAll(async () => {
  await haproxy?.stop();
  await fleet?.stop();
});

describe('lb config haproxy: the persistence cookie ends with the session timeout (maxidle)', () => {
  it('keeps a visitor on the drained web1 while within the timeout, and balances them anew once idle past it', async () => {
    // A visitor whose session is on web1, through the balancer (which inserts its cookie).
    let visitor: Visitor | undefined;
    for (let attempt = 0; attempt < 10 && visitor === undefined; attempt++) {
      const candidate = new Visitor(haproxy!.url);
      if (routeOf((await candidate.get('/mx/')).sessionId) === 'web1') visitor = candidate;
    }
    expect(visitor?.cookie('TOMCAT_PD_ROUTE', '/mx/')).toMatch(/^web1\|/);
    expectExit(await cli(['lb', 'drain', 'web1']), 0);

    expect(routeOf((await visitor!.get('/mx/')).sessionId)).toBe('web1');
    await new Promise((resolve) => setTimeout(resolve, 70_000));
    const after = await visitor!.get('/mx/');
    expect(routeOf(after.sessionId)).toBe('web2');
  }, 120_000);
});
