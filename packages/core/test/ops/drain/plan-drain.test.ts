import { describe, expect, it } from 'vitest';
import { describeApp } from '../../../src/ops/app-status.js';
import { planDrain } from '../../../src/ops/drain/plan-drain.js';
import { entry } from '../../helpers/fake-client.js';

const shop = describeApp(
  [
    entry('/shop', '001'),
    entry('/shop', '002', 'stopped'),
    entry('/shop', '003', 'running', 2),
    entry('/shop', '004'),
    entry('/shop', '005', 'running', 7),
    entry('/shop', '006', 'stopped'),
  ],
  '/shop',
);

const actions = (options: Parameters<typeof planDrain>[1] = {}) =>
  Object.fromEntries(planDrain([shop], options)[0]!.decisions.map((d) => [d.version, d.action]));

describe('planDrain', () => {
  it('undeploys drained and stopped older versions; keeps live, draining and newer stopped ones', () => {
    expect(actions()).toEqual({
      '001': 'undeploy',
      '002': 'undeploy',
      '003': 'keep',
      '004': 'undeploy',
      '005': 'keep',
      '006': 'keep',
    });
    const reasons = planDrain([shop])[0]!.decisions.map((d) => d.reason);
    expect(reasons).toContain('live');
    expect(reasons).toContain('draining: 2 sessions');
    expect(reasons.some((r) => r.includes('roll-forward'))).toBe(true);
  });

  it('keeps the N newest running versions below the live one for rollback', () => {
    expect(actions({ keep: 1 })).toMatchObject({ '001': 'undeploy', '004': 'keep' });
    expect(actions({ keep: 2 })).toMatchObject({ '001': 'undeploy', '003': 'keep', '004': 'keep' });
    expect(actions({ keep: 3 })).toMatchObject({ '001': 'keep', '002': 'undeploy' });
  });

  it('plans to expire idle sessions of draining versions only when asked', () => {
    expect(actions({ expireIdleMinutes: 30 })).toMatchObject({
      '003': 'expire-then-undeploy',
      '005': 'keep',
    });
  });

  it('drains nothing of an app without a running version', () => {
    const stopped = describeApp([entry('/x', '001', 'stopped'), entry('/x', '002', 'stopped')], '/x');
    expect(planDrain([stopped])[0]!.decisions.every((d) => d.action === 'keep')).toBe(true);
  });

  it('refuses a negative or fractional keep and idle time', () => {
    expect(() => planDrain([shop], { keep: -1 })).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => planDrain([shop], { expireIdleMinutes: 1.5 })).toThrowError(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});
