import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BalancerError,
  FleetOperationError,
  UnsafeOperationError,
} from '../../../src/errors/error-classes.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { AnalysisError } from '../../../src/errors/error-classes.js';
import { blueGreenDeploy } from '../../../src/ops/bluegreen/blue-green-deploy.js';
import { BlueGreenError } from '../../../src/ops/bluegreen/blue-green-error.js';
import type { BlueGreenDeployOptions } from '../../../src/ops/bluegreen/blue-green-options.js';
import { FakeBalancer, type FakeMember } from '../../helpers/fake-balancer.js';
import { contextMetrics, entry, fakeFleet, type FakeManager } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';
import { failureOf } from '../../helpers/failure.js';
import { minimalWar } from '../../helpers/zip.js';

let war: string;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-blue-green-'));
  war = join(dir, 'shop.war');
  await writeFile(war, minimalWar());
});
afterEach(() => vi.useRealTimers());

/** web1 live (ready) and web2 idle (maint) behind two balancers, both running /shop##001. */
function setUp(members: Record<string, FakeMember> = { web1: 'ready', web2: 'maint' }) {
  const lbs = ['lb1', 'lb2'].map((name) => new FakeBalancer(name, members));
  // Every change on either balancer, in the order it was sent.
  const order: string[] = [];
  for (const lb of lbs) {
    const send = lb.send.bind(lb);
    lb.send = (member, state) => {
      order.push(`${lb.name} ${member}:${state}`);
      return send(member, state);
    };
  }
  const clients = fakeFleet(
    [entry('/shop', '001', 'running', 3), entry('/manager', '')],
    [entry('/shop', '001'), entry('/manager', '')],
  );
  const options: BlueGreenDeployOptions = {
    balancers: lbs,
    clients,
    path: '/shop',
    warFile: war,
    intervalMs: 1,
    upTimeoutMs: 20,
    maxDrainMs: 50,
  };
  return { lbs, clients, options, order };
}

const states = (lbs: FakeBalancer[]) => lbs.map((lb) => ({ web1: lb.admin('web1'), web2: lb.admin('web2') }));
const versions = (client: FakeManager | undefined) =>
  client!.contexts.filter((c) => c.path === '/shop').map((c) => c.version);

describe('blueGreenDeploy', () => {
  it('deploys on the idle colour only, makes it ready on every balancer, then drains the live one', async () => {
    const { lbs, clients, options, order } = setUp();
    const steps: string[] = [];
    const report = await blueGreenDeploy({
      ...options,
      onStep: (step) => steps.push(`${step.step}:${step.outcome ?? 'start'}`),
    });
    expect(versions(clients[0])).toEqual(['001']);
    expect(versions(clients[1])).toEqual(['001', '002']);
    // Ready on both balancers before the drain on either: a colour takes new visitors throughout.
    expect(order).toEqual(['lb1 web2:ready', 'lb2 web2:ready', 'lb1 web1:drain', 'lb2 web1:drain']);
    expect(states(lbs)).toEqual([
      { web1: 'drain', web2: 'ready' },
      { web1: 'drain', web2: 'ready' },
    ]);
    expect(steps).toEqual([
      'deploy:start',
      'deploy:done',
      'ready:start',
      'ready:done',
      'drain:start',
      'drain:done',
    ]);
    expect(report.before).toEqual({ live: ['web1'], draining: [], idle: ['web2'] });
    // web1 keeps its 3 sessions: it is draining now.
    expect(report.after).toEqual({ told: true, colours: { live: ['web2'], draining: ['web1'], idle: [] } });
    expect(report.deploy.version).toBe('002');
    expect(report.deploy.targets.map((t) => t.target)).toEqual(['web2']);
    expect(report.previous.map((pin) => [pin.balancer, pin.cookie])).toEqual([
      ['lb1', 'TOMCAT_PD_PIN=web1'],
      ['lb2', 'TOMCAT_PD_PIN=web1'],
    ]);
    // web2 was proven to serve, directly, before it was made ready.
    expect(clients[1]!.calls).toContain('visit OPTIONS /shop/');
  });

  it('a balancer that cannot be read once the switch is done leaves the switch done: the colours after are unknown', async () => {
    const { lbs, options } = setUp();
    const send = lbs[1]!.send.bind(lbs[1]);
    lbs[1]!.send = async (member, state) => {
      await send(member, state);
      if (member === 'web1' && state === 'drain')
        lbs[0]!.failRead = new BalancerError('lb1 is gone', { balancer: 'lb1' });
    };
    const report = await blueGreenDeploy(options);
    expect(report.after).toBeUndefined();
    expect(report.steps.map((step) => step.outcome)).toEqual(['done', 'done', 'done']);
    expect(lbs[1]!.admin('web2')).toBe('ready');
  });

  it('takes the next counter above every version on both colours', async () => {
    const { clients, options } = setUp();
    clients[0]!.contexts.push(entry('/shop', '004'));
    const report = await blueGreenDeploy(options);
    expect(report.deploy.version).toBe('005');
    expect(versions(clients[1])).toEqual(['001', '005']);
  });

  it('a balancer failing between the ready of one colour and the drain of the other: the old one is ready again, the new one back in maint', async () => {
    const { lbs, clients, options } = setUp();
    lbs[1]!.failSend.set('drain', new BalancerError('lb2 refused', { balancer: 'lb2' }));
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toBeInstanceOf(BlueGreenError);
    expect(error).toMatchObject({ code: ErrorCode.operation, step: 'drain', live: ['web1'] });
    expect(error.message).toContain('web1 is ready again; web2 went back to maint.');
    expect(states(lbs)).toEqual([
      { web1: 'ready', web2: 'maint' },
      { web1: 'ready', web2: 'maint' },
    ]);
    // The release stays on web2, which takes no visitor.
    expect(versions(clients[1])).toEqual(['001', '002']);
  });

  it('when the old colour cannot be made ready again, the new one stays ready: never both out', async () => {
    const { lbs, options } = setUp();
    const refused = new BalancerError('lb2 refused', { balancer: 'lb2' });
    lbs[1]!.failSend.set('drain', refused);
    // lb1's drain of web1 went through; making it ready again fails.
    const send = lbs[0]!.send.bind(lbs[0]);
    lbs[0]!.send = (member, state) =>
      member === 'web1' && state === 'ready' ? Promise.reject(refused) : send(member, state);
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toMatchObject({ step: 'drain', live: ['web2'] });
    for (const lb of lbs) expect(lb.admin('web2')).toBe('ready');
  });

  it('the idle colour down on a balancer after its ready: fails, put back to maint, the live one untouched', async () => {
    const { lbs, options } = setUp();
    lbs[0]!.members.set('web2', { name: 'web2', admin: 'maint', health: 'down' });
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toMatchObject({ step: 'ready', live: ['web1'] });
    expect(error.message).toContain('web2 on lb1 is still down');
    expect(error.message).toContain('web1 is still taking new visitors; web2 went back to maint.');
    expect(states(lbs)).toEqual([
      { web1: 'ready', web2: 'maint' },
      { web1: 'ready', web2: 'maint' },
    ]);
    for (const lb of lbs) expect(lb.sent.filter((sent) => sent.startsWith('web1'))).toEqual([]);
  });

  it('an idle colour that does not serve is never made ready', async () => {
    const { lbs, clients, options } = setUp();
    clients[1]!.answerVisit = () => ({ status: 503, body: 'down' });
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toMatchObject({ step: 'ready', live: ['web1'] });
    expect((error as BlueGreenError).failure).toMatchObject({ rule: 'not-serving' });
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });

  it('a release that fails to start on the idle colour is cleaned up and changes no balancer', async () => {
    const { lbs, clients, options } = setUp();
    clients[1]!.failToStart.add('002');
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toBeInstanceOf(FleetOperationError);
    expect(versions(clients[1])).toEqual(['001']);
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });

  it('refuses (colours-untold, nothing changed) with only one target, all ready, or mixed states', async () => {
    const cases: [Record<string, FakeMember>[], string][] = [
      [
        [
          { web1: 'ready', web2: 'ready' },
          { web1: 'ready', web2: 'ready' },
        ],
        'web1: ready; web2: ready',
      ],
      [
        [
          { web1: 'ready', web2: 'maint' },
          { web1: 'ready', web2: 'ready' },
        ],
        'web2: maint on lb1, ready on lb2',
      ],
      [
        [
          { web1: 'maint', web2: 'maint' },
          { web1: 'maint', web2: 'maint' },
        ],
        'none is live',
      ],
    ];
    for (const [members, named] of cases) {
      const { clients, options } = setUp();
      const lbs = members.map((each, index) => new FakeBalancer(`lb${index + 1}`, each));
      const error = await failureOf(blueGreenDeploy({ ...options, balancers: lbs }));
      expect(error).toBeInstanceOf(UnsafeOperationError);
      expect(error).toMatchObject({ rule: 'colours-untold' });
      expect(error.message).toContain(named);
      expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
      expect(clients.flatMap((client) => client.changes)).toEqual([]);
    }
    const { clients, options } = setUp();
    const alone = new FakeBalancer('lb1', { web1: 'ready' });
    const error = await failureOf(
      blueGreenDeploy({ ...options, balancers: [alone], clients: [clients[0]!] }),
    );
    expect(error).toMatchObject({ rule: 'colours-untold' });
    expect(error.message).toContain('every target is ready, so none is idle');
  });

  it('a target whose list cannot be read fails it before anything changes: the next counter needs both colours', async () => {
    const { lbs, clients, options } = setUp();
    clients[0]!.failNext.set('list', new TomcatPdError(ErrorCode.connect, 'web1 refused the connection'));
    const error = await failureOf(blueGreenDeploy(options));
    expect(error.code).toBe(ErrorCode.connect);
    expect(error.hint).toContain('Target web1 could not be read; nothing was changed.');
    expect(clients[1]!.changes).toEqual([]);
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });

  it('refuses (colour-draining) while the colour to deploy on still has sessions', async () => {
    const { lbs, clients, options } = setUp({ web1: 'ready', web2: 'drain' });
    clients[1]!.contexts[0]!.sessions = 2;
    const error = await failureOf(blueGreenDeploy(options));
    expect(error).toMatchObject({ rule: 'colour-draining' });
    expect(error.message).toContain('web2 (2 sessions)');
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
    expect(clients[1]!.changes).toEqual([]);
  });

  it('with waitDrain, waits for those sessions, puts that colour in maint, deploys, and retires the old colour', async () => {
    const { lbs, clients, options } = setUp({ web1: 'ready', web2: 'drain' });
    let lists = 0;
    clients[1]!.contexts[0]!.sessions = 2;
    clients[1]!.beforeList = (contexts) => {
      // Two reads still see them (the colours, then the first look of the wait); then they are gone.
      if (++lists > 2) contexts[0]!.sessions = 0;
    };
    clients[0]!.contexts[0]!.sessions = 0;
    const report = await blueGreenDeploy({ ...options, waitDrain: true });
    expect(report.steps.map((step) => step.step)).toEqual(['wait-idle', 'deploy', 'ready', 'drain', 'maint']);
    for (const lb of lbs) {
      expect(lb.sent).toEqual(['web2:maint', 'web2:ready', 'web1:drain', 'web1:maint']);
    }
    expect(report.after).toEqual({ told: true, colours: { live: ['web2'], draining: [], idle: ['web1'] } });
  });

  it('with waitDrain, a session begun on the old colour during its drain is not waited for: maint, and said', async () => {
    const { lbs, clients, options } = setUp();
    clients[0]!.contexts[0]!.sessions = 0;
    let lists = 0;
    // web1 has no session when its drain begins; a visitor whose session had ended comes back.
    clients[0]!.beforeList = (contexts) => {
      if (++lists > 2) contexts[0]!.sessions = 1;
    };
    const warnings: string[] = [];
    await blueGreenDeploy({ ...options, waitDrain: true, logger: { warn: (line) => warnings.push(line) } });
    for (const lb of lbs) expect(lb.admin('web1')).toBe('maint');
    expect(warnings).toContain(
      'web1: 1 sessions begun during the drain end with its maint; those visitors start anew on the live colour.',
    );
  });

  it('an abort while it waits for the colour to deploy on stops it there (E_ABORTED): nothing deployed, nothing switched', async () => {
    const { lbs, clients, options } = setUp({ web1: 'ready', web2: 'drain' });
    clients[1]!.contexts[0]!.sessions = 2;
    const stop = new AbortController();
    clients[1]!.beforeList = () => stop.abort();
    const error = await failureOf(
      blueGreenDeploy({ ...options, waitDrain: true, maxDrainMs: 60_000, signal: stop.signal }),
    );
    expect(error).toBeInstanceOf(BlueGreenError);
    expect(error).toMatchObject({ code: ErrorCode.aborted, step: 'wait-idle', live: ['web1'] });
    expect(error.message).toContain('Nothing was deployed; web1 is still taking new visitors.');
    expect(versions(clients[1])).toEqual(['001']);
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });

  it('with waitDrain, the old colour that keeps its visitors past maxDrain stays drained: the switch stands', async () => {
    const { lbs, options } = setUp();
    const error = await failureOf(blueGreenDeploy({ ...options, waitDrain: true }));
    expect(error).toMatchObject({ step: 'maint', live: ['web2'] });
    expect(error.message).toContain('web1 still has 3 sessions');
    expect(states(lbs)[0]).toEqual({ web1: 'drain', web2: 'ready' });
  });

  it('a bad verdict of the analysis on the new colour switches back: the old one ready, the new one drained', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { lbs, clients, options } = setUp();
    let readings = 0;
    clients[1]!.answerMetrics = (contexts) => ({
      contexts: contexts.map((context) =>
        context.version === '002'
          ? contextMetrics(context, { requests: ++readings * 30, errors: readings * 15 })
          : contextMetrics(context),
      ),
      memoryPools: [],
    });
    const error = await failureOf(
      onFakeClock(blueGreenDeploy({ ...options, analysis: { windowMs: 10_000, intervalMs: 5_000 } })),
    );
    expect(error).toBeInstanceOf(AnalysisError);
    expect(error.code).toBe(ErrorCode.analysis);
    expect(error.message).toContain('/shop##002 failed its canary analysis on web2: 50% errors');
    expect(error.hint).toContain('Switched back: web1 is taking new visitors again, web2 is drained');
    for (const lb of lbs) {
      expect(lb.sent).toEqual(['web2:ready', 'web1:drain', 'web1:ready', 'web2:drain']);
    }
  });
});
