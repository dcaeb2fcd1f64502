import { describe, expect, it } from 'vitest';
import { describeApp } from '../../../src/ops/app-status.js';
import { planDeploy } from '../../../src/ops/deploy/plan-deploy.js';
import { entry } from '../../helpers/fake-client.js';

const app = (...entries: ReturnType<typeof entry>[]) => describeApp(entries, '/shop');

describe('planDeploy', () => {
  it('starts a new app at 001 and continues the counter at its width', () => {
    expect(planDeploy(app()).version).toBe('001');
    expect(planDeploy(app(), { width: 5 }).version).toBe('00001');
    const plan = planDeploy(app(entry('/shop', '008'), entry('/shop', '009', 'running', 2)));
    expect(plan).toEqual({
      path: '/shop',
      version: '010',
      displayName: '/shop##010',
      previousLive: '009',
      replacesExisting: false,
    });
  });

  it('refuses 999 -> 1000 with the reason and a fix, before anything is uploaded', () => {
    expect(() => planDeploy(app(entry('/shop', '999')))).toThrowError(
      expect.objectContaining({
        code: 'E_UNSAFE',
        rule: 'ordering-invariant',
        message: expect.stringMatching(/1000/),
      }),
    );
  });

  it('refuses an explicit version below the live one', () => {
    expect(() => planDeploy(app(entry('/shop', '007')), { version: '005' })).toThrowError(
      expect.objectContaining({ code: 'E_UNSAFE', rule: 'ordering-invariant' }),
    );
  });

  it('refuses an existing version unless update is asked for', () => {
    const shop = app(entry('/shop', '004', 'running', 3));
    expect(() => planDeploy(shop, { version: '004' })).toThrowError(
      expect.objectContaining({ code: 'E_UNSAFE', rule: 'no-overwrite' }),
    );
    expect(planDeploy(shop, { version: '004', update: true })).toMatchObject({
      version: '004',
      replacesExisting: true,
    });
  });

  it('refuses invalid versions and two version sources as usage errors', () => {
    expect(() => planDeploy(app(), { version: 'a/b' })).toThrowError(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
    expect(() => planDeploy(app(), { version: '1', semver: '1.0.0' })).toThrowError(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });

  it('encodes a semantic version so that 1.10.0 goes live after 1.9.0', () => {
    const first = planDeploy(app(), { semver: '1.9.0' }).version;
    expect(planDeploy(app(entry('/shop', first)), { semver: '1.10.0' }).previousLive).toBe(first);
  });

  it('appends a build id to the next counter; the counter, not the id, decides the order', () => {
    expect(planDeploy(app(), { buildId: '3f9c2ab' }).version).toBe('001-3f9c2ab');
    // A later build with an id that sorts lower still gets the next counter, and goes live.
    const plan = planDeploy(app(entry('/shop', '003-ffff'), entry('/shop', '004-3f9c2ab', 'running', 1)), {
      buildId: '0aaa',
    });
    expect(plan).toMatchObject({ version: '005-0aaa', previousLive: '004-3f9c2ab' });
    // After a rollback to 003 the counter 004 comes back, under another build id.
    expect(planDeploy(app(entry('/shop', '003-ffff')), { buildId: '9d0e1f2' }).version).toBe('004-9d0e1f2');
    // Versions without an id continue their counter too.
    expect(planDeploy(app(entry('/shop', 'r0041')), { buildId: 'b17' }).version).toBe('r0042-b17');
  });

  it('refuses a build id with a forbidden character, too long for a version, or with a version', () => {
    expect(() => planDeploy(app(), { buildId: 'feature/x' })).toThrowError(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('"/"') }),
    );
    expect(() => planDeploy(app(), { buildId: '-x' })).toThrowError(/must start with a letter or a digit/);
    expect(() => planDeploy(app(), { buildId: '' })).toThrowError(/must not be empty/);
    expect(() => planDeploy(app(), { buildId: 'a'.repeat(97) })).toThrowError(
      expect.objectContaining({
        code: 'E_USAGE',
        message: expect.stringMatching(/101 characters long; at most 100/),
      }),
    );
    expect(planDeploy(app(), { buildId: 'a'.repeat(96) }).version).toHaveLength(100);
    expect(() => planDeploy(app(), { buildId: 'x', version: '7' })).toThrowError(
      /^Give one of a version, a semantic version or a build id, not a version and a build id\.$/,
    );
  });
});
