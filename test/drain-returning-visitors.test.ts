import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { collect, expectExit, spawnCli } from './cli-helpers.js';
import {
  routeOf,
  startHaproxyInFront,
  startRoutedTomcats,
  visitorOn,
  writeFleetConfig,
  fleetEnv,
  type RoutedTomcats,
} from './routed-tomcats.js';

// What "drained" means under stickiness by route, against a real haproxy in front of two real
// Tomcats whose Manager user also has manager-jmx: a visitor whose session ended still carries a
// cookie naming web1 and gets a new session there, which a drain must not wait for; a visitor
// whose session began before the drain is waited for until it ends.

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/rv', jmx: true });
  tomcats = fleet.tomcats;
  haproxy = await startHaproxyInFront(fleet);
  await writeFleetConfig(fleet, [
    { name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: 'tomcats' },
  ]);
});

afterAll(async () => {
  await haproxy?.stop();
  await fleet?.stop();
});

describe('lb drain --wait with returning visitors (route stickiness, JMX proxy allowed)', () => {
  it('ends once every session from before the drain ended, though a returning visitor made a new one there', async () => {
    // A visitor who logged out: the session is gone, the cookie naming web1 is not.
    const { visitor: returning, sessionId: ended } = await visitorOn(haproxy.url, '/rv/', 'web1');
    await returning.get('/rv/logout.jsp');
    // A visitor still logged in when the drain begins: the drain waits for this one.
    const { visitor: staying } = await visitorOn(haproxy.url, '/rv/', 'web1');

    const child = spawnCli(['lb', 'drain', 'web1', '--wait', '--max-wait', '60s'], {
      cwd: fleet!.dir,
      env: fleetEnv(fleet!),
    });
    const finished = collect(child, 70_000, ['lb', 'drain']);
    let progress = '';
    child.stderr.on('data', (chunk: string) => (progress += chunk));
    while (!/web1: 1 sessions left/.test(progress)) await new Promise((resolve) => setTimeout(resolve, 50));

    // The returning visitor is sent back to the drained web1 by its cookie and gets a new session.
    const back = await returning.get('/rv/');
    expect(routeOf(back.sessionId)).toBe('web1');
    expect(back.sessionId).not.toBe(ended);
    while (!/web1: 1 sessions left \(and 1 begun since, not waited for\)/.test(progress))
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(child.exitCode).toBeNull();

    // The visitor from before the drain leaves: the drain is over, the new session still there.
    await staying.get('/rv/logout.jsp');
    const result = expectExit(await finished, 0);
    expect(result.stdout).toContain(
      'web1 is drained: every session from before the drain ended (1 begun since by returning visitors stay there)',
    );
    const web1 = (await fleet!.client(tomcats[0]!).list()).find((entry) => entry.path === '/rv')!;
    expect(web1.sessions).toBe(1);
  });
});
