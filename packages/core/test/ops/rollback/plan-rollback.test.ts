import { describe, expect, it } from 'vitest';
import { describeApp } from '../../../src/ops/app-status.js';
import { planRollback } from '../../../src/ops/rollback/plan-rollback.js';
import { entry } from '../../helpers/fake-client.js';

const app = (...entries: ReturnType<typeof entry>[]) => describeApp(entries, '/shop');

describe('planRollback', () => {
  it('falls back to the newest running version below the live one, removing the live one last', () => {
    const plan = planRollback(
      app(
        entry('/shop', '001'),
        entry('/shop', '002', 'running', 1),
        entry('/shop', '003', 'stopped'),
        entry('/shop', '004', 'running', 5),
      ),
    );
    expect(plan.from).toBe('004');
    expect(plan.to).toBe('002');
    expect(plan.remove).toEqual([
      { version: '003', state: 'stopped', sessions: 0 },
      { version: '004', state: 'running', sessions: 5 },
    ]);
  });

  it('also removes stopped versions above the live one, which a restart would revive', () => {
    const plan = planRollback(
      app(entry('/shop', '001'), entry('/shop', '002'), entry('/shop', '003', 'stopped')),
    );
    expect(plan.remove.map((v) => v.version)).toEqual(['002', '003']);
  });

  it('rolls back to a given version', () => {
    const plan = planRollback(app(entry('/shop', '001'), entry('/shop', '002'), entry('/shop', '003')), {
      to: '001',
    });
    expect(plan.remove.map((v) => v.version)).toEqual(['002', '003']);
  });

  it('refuses when no older version runs', () => {
    for (const shop of [
      app(entry('/shop', '002')),
      app(entry('/shop', '001', 'stopped'), entry('/shop', '002')),
    ]) {
      expect(() => planRollback(shop)).toThrowError(
        expect.objectContaining({ code: 'E_UNSAFE', rule: 'no-older-running-version' }),
      );
    }
    expect(() => planRollback(app(entry('/shop', '001', 'stopped')))).toThrowError(
      expect.objectContaining({ rule: 'no-live-version' }),
    );
  });

  it('refuses a stopped, unknown, live or newer target', () => {
    const shop = app(entry('/shop', '001', 'stopped'), entry('/shop', '002'), entry('/shop', '003'));
    expect(() => planRollback(shop, { to: '001' })).toThrowError(
      expect.objectContaining({ rule: 'rollback-target-stopped' }),
    );
    expect(() => planRollback(shop, { to: '000' })).toThrowError(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
    expect(() => planRollback(shop, { to: '003' })).toThrowError(
      expect.objectContaining({ rule: 'rollback-target-not-older' }),
    );
  });
});
