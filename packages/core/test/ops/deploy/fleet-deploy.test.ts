import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { FleetOperationError } from '../../../src/errors/error-classes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { fleetDeploy } from '../../../src/ops/deploy/fleet-deploy.js';
import { entry, fakeFleet as fleet, health } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';
import { minimalWar } from '../../helpers/zip.js';

let war: string;

beforeAll(async () => {
  war = join(await mkdtemp(join(tmpdir(), 'tomcat-pd-fleet-')), 'shop.war');
  await writeFile(war, minimalWar());
});

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as FleetOperationError,
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('fleetDeploy', () => {
  it('deploys one version everywhere: the next above the greatest on any target', async () => {
    const targets = fleet(
      [entry('/shop', '001'), entry('/shop', '002'), entry('/shop', '003')],
      [entry('/shop', '001')],
    );
    const result = await fleetDeploy(targets, { path: '/shop', warFile: war });
    expect(result.version).toBe('004');
    expect(result.targets.map((t) => [t.target, t.version, t.previousLive])).toEqual([
      ['web1', '004', '003'],
      ['web2', '004', '001'],
    ]);
  });

  it('uploads nothing when a target cannot be read, and names it', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    targets[1]!.failNext.set('list', new TomcatPdError(ErrorCode.connect, 'connection refused'));
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war }));
    expect(error).toMatchObject({
      code: ErrorCode.connect,
      message: expect.stringMatching(/web2.*Nothing was uploaded/),
    });
    expect(error?.targets.map((t) => t.outcome)).toEqual(['not-started', 'failed']);
    expect(targets.flatMap((t) => t.changes)).toEqual([]);
  });

  it("keeps the unreadable target's hint (a 401 warns of the lock-out)", async () => {
    const targets = fleet([entry('/shop', '001')]);
    const refused = new TomcatPdError(ErrorCode.auth, 'Tomcat rejected the credentials', {
      hint: 'After 5 failed logins Tomcat locks the user out for 5 minutes.',
    });
    targets[0]!.failNext.set('list', refused);
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war }));
    expect(error).toMatchObject({ code: ErrorCode.auth, hint: refused.hint });
  });

  it('uploads nothing when the new version would not be live on one target', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '009')]);
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, version: '005' }));
    expect(error).toMatchObject({ code: ErrorCode.unsafe, message: expect.stringMatching(/^Target web2/) });
    expect(targets.flatMap((t) => t.changes)).toEqual([]);
  });

  it('removes the new version from the targets that took it when one fails', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')], [entry('/shop', '001')]);
    targets[1]!.failToStart.add('002');
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, parallel: 1 }));
    expect(error).toBeInstanceOf(FleetOperationError);
    expect(error).toMatchObject({
      code: ErrorCode.tomcatFail,
      hint: expect.stringMatching(/nothing is left half-deployed/),
    });
    expect(error?.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'undone'],
    ]);
    for (const target of targets) expect(target.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('also removes the version from a target whose answer was lost but where Tomcat started it', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    targets[1]!.loseAnswer.set('deploy', new TomcatPdError(ErrorCode.connect, 'connection reset'));
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, parallel: 1 }));
    expect(error?.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'undone'],
    ]);
    expect(error?.targets[1]?.error?.hint).toMatch(/^It was undeployed again.*did deploy and start/);
    expect(error?.hint).toMatch(/nothing is left half-deployed/);
    for (const target of targets) expect(target.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('with a canary, deploys to the rest only after the canary started', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    targets[0]!.failToStart.add('002');
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, canary: 1 }));
    expect(error?.targets.map((t) => t.outcome)).toEqual(['failed', 'not-started']);
    expect(targets[1]!.changes).toEqual([]);
    const ok = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    await fleetDeploy(ok, { path: '/shop', warFile: war, canary: 1 });
    expect(ok.map((t) => t.changes)).toEqual([['deploy /shop##002'], ['deploy /shop##002']]);
  });

  it('keeps at most `parallel` uploads in flight', async () => {
    // Each upload takes 10 ms of the fake clock: long enough for the others to start meanwhile.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const targets = fleet(...Array.from({ length: 5 }, () => [entry('/shop', '001')]));
    let inFlight = 0;
    let most = 0;
    for (const target of targets) {
      const original = target.deploy.bind(target);
      target.deploy = async (request) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return original(request);
      };
    }
    await onFakeClock(fleetDeploy(targets, { path: '/shop', warFile: war, parallel: 2 }));
    expect(most).toBe(2);
  });
});

describe('fleets with probes', () => {
  it('one target that fails its probe undoes the version everywhere; the report says what each answered', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')], [entry('/shop', '001')]);
    targets[1]!.answerVisit = () => ({ status: 500, body: 'broken' });
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, probe: health }));
    expect(error).toBeInstanceOf(FleetOperationError);
    expect(error?.code).toBe(ErrorCode.probe);
    const outcomes = error?.targets ?? [];
    expect(outcomes.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'undone'],
    ]);
    expect(outcomes[1]?.probes).toEqual([
      expect.objectContaining({ target: 'web2', ok: false, status: 500 }),
    ]);
    expect(outcomes[0]?.probes).toEqual([expect.objectContaining({ target: 'web1', ok: true })]);
    for (const tomcat of targets) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('with a canary, the others start only once its probe passed', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    targets[0]!.answerVisit = () => ({ status: 500, body: 'broken' });
    expect(
      await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, probe: health, canary: 1 })),
    ).toBeInstanceOf(FleetOperationError);
    expect(targets[1]!.changes).toEqual([]);
  });

  it('a failed smoke test on one target deploys nothing anywhere', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    targets[1]!.answerVisit = () => ({ status: 500, body: 'broken' });
    const error = await failureOf(fleetDeploy(targets, { path: '/shop', warFile: war, smoke: health }));
    expect(error?.message).toMatch(/^The smoke test failed on web2: .* Nothing was deployed\.$/);
    for (const tomcat of targets)
      expect(tomcat.contexts.map((c) => c.path + c.version)).toEqual(['/shop001']);
  });
});

describe('fleetDeploy with steps', () => {
  it('a failure at the second step undoes the version on every target, and says where it stopped', async () => {
    const targets = fleet(...Array.from({ length: 4 }, () => [entry('/shop', '001')]));
    targets[1]!.failToStart.add('002');
    const error = await fleetDeploy(targets, {
      path: '/shop',
      warFile: war,
      steps: [{ count: 1 }, { percent: 50 }, { percent: 100 }],
    }).catch((e: unknown) => e as FleetOperationError);
    expect(error).toBeInstanceOf(FleetOperationError);
    expect((error as FleetOperationError).message).toMatch(/failed on web2 \(step 2 of 3\)/);
    expect((error as FleetOperationError).targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'not-started'],
      ['web4', 'not-started'],
    ]);
    for (const untouched of targets.slice(2)) expect(untouched.changes).toEqual([]);
    for (const tomcat of targets) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('a manual pause stops after its step and says what is left: the targets, the gates, the WAR', async () => {
    const targets = fleet(...Array.from({ length: 4 }, () => [entry('/shop', '001')]));
    const result = await fleetDeploy(targets, {
      path: '/shop',
      warFile: war,
      steps: [
        { count: 1 },
        { pause: 'manual' },
        { percent: 50 },
        { pause: 'timed', ms: 60_000 },
        { percent: 100 },
      ],
    });
    expect(result.targets.map((t) => t.target)).toEqual(['web1']);
    expect(result.paused).toEqual({
      afterStep: 1,
      steps: 3,
      took: ['web1'],
      remaining: [
        { targets: ['web2'], pause: { pause: 'timed', ms: 60_000 } },
        { targets: ['web3', 'web4'], pause: undefined },
      ],
      war: { size: minimalWar().length, sha256: createHash('sha256').update(minimalWar()).digest('hex') },
    });
    expect(targets.map((t) => t.contexts.map((c) => c.version))).toEqual([
      ['001', '002'],
      ['001'],
      ['001'],
      ['001'],
    ]);
  });

  it('a timed pause waits between two steps, then goes on by itself', async () => {
    vi.useFakeTimers();
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    const said: string[] = [];
    const deployed = fleetDeploy(targets, {
      path: '/shop',
      warFile: war,
      steps: [{ count: 1 }, { pause: 'timed', ms: 150_000 }, { percent: 100 }],
      logger: { info: (line) => said.push(line) },
    });
    const result = await onFakeClock(deployed);
    expect(result.paused).toBeUndefined();
    expect(result.targets.map((t) => t.target)).toEqual(['web1', 'web2']);
    expect(said.filter((line) => line.startsWith('paused'))).toEqual([
      'paused 2m30s after step 1 of 2; Ctrl-C aborts and undoes',
      'paused: 1m30s left before step 2 of 2',
      'paused: 30s left before step 2 of 2',
    ]);
  });

  it('a signal during a timed pause undoes the version on the targets that took it', async () => {
    const targets = fleet([entry('/shop', '001')], [entry('/shop', '001')]);
    const controller = new AbortController();
    const error = await failureOf(
      fleetDeploy(targets, {
        path: '/shop',
        warFile: war,
        steps: [{ count: 1 }, { pause: 'timed', ms: 600_000 }, { percent: 100 }],
        signal: controller.signal,
        logger: { info: (line) => line.startsWith('paused') && controller.abort() },
      }),
    );
    expect(error).toMatchObject({ code: ErrorCode.aborted, message: expect.stringMatching(/step 2 of 2/) });
    expect(error?.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'not-started'],
    ]);
    for (const tomcat of targets) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('canary and steps together are a usage error before anything is read', async () => {
    const targets = fleet([entry('/shop', '001')]);
    await expect(
      fleetDeploy(targets, {
        path: '/shop',
        warFile: 'x.war',
        canary: 1,
        steps: [{ count: 1 }, { percent: 100 }],
      }),
    ).rejects.toMatchObject({ code: ErrorCode.usage });
    expect(targets[0]!.calls).toEqual([]);
  });
});
