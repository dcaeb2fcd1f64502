import { describe, expect, it } from 'vitest';
import type { AdminState } from '../../../src/balancer/member-state.js';
import { UnsafeOperationError } from '../../../src/errors/error-classes.js';
import { coloursUntoldError } from '../../../src/ops/bluegreen/read-colours.js';
import { planBlueGreenDeploy, planSwitch } from '../../../src/ops/bluegreen/plan-blue-green.js';
import { previousColourPins } from '../../../src/ops/bluegreen/pins.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';

describe('planBlueGreenDeploy', () => {
  it('deploys on every target that is not live, the draining ones first waited for', () => {
    const colours = { live: ['web1'], draining: ['web3'], idle: ['web2'] };
    expect(planBlueGreenDeploy(colours, new Map([['web3', 2]]), true)).toEqual({
      live: ['web1'],
      next: ['web3', 'web2'],
      draining: ['web3'],
    });
    expect(planSwitch({ live: ['web2'], draining: [], idle: ['web1'] })).toEqual({
      live: ['web2'],
      next: ['web1'],
      draining: [],
    });
  });

  it('refuses (colour-draining) while the colour to deploy on has visitors, naming each one’s sessions', () => {
    const colours = { live: ['web1'], draining: ['web2', 'web3'], idle: [] };
    const sessions = new Map<string, number | undefined>([
      ['web2', 4],
      ['web3', undefined],
    ]);
    const refused = (() => {
      try {
        planBlueGreenDeploy(colours, sessions, false);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(UnsafeOperationError);
    expect(refused).toMatchObject({ rule: 'colour-draining', code: 'E_UNSAFE' });
    expect((refused as Error).message).toContain('web2 (4 sessions), web3 (sessions unread)');
  });
});

describe('coloursUntoldError', () => {
  it('names the state of each target, per balancer where they differ', () => {
    const states = new Map<string, Record<string, AdminState>>([
      ['web1', { lb1: 'ready', lb2: 'ready' }],
      ['web2', { lb1: 'maint', lb2: 'ready' }],
      ['web3', {}],
    ]);
    const error = coloursUntoldError(
      { reason: 'mixed', mixed: [{ target: 'web2', states: states.get('web2')! }] },
      states,
    );
    expect(error.rule).toBe('colours-untold');
    expect(error.message).toContain('a target has different states on different balancers');
    expect(error.message).toContain('web1: ready; web2: maint on lb1, ready on lb2; web3: no member.');
  });
});

describe('previousColourPins', () => {
  it("gives HAProxy's pin cookie and the app's URL with it for each target, through its member name", () => {
    const haproxy = new FakeBalancer('lb1', {});
    haproxy.memberMap = { web1: 'tomcat-a' };
    const other = Object.assign(new FakeBalancer('jk', {}), { type: 'mod_jk' as const });
    expect(previousColourPins([haproxy, other as unknown as FakeBalancer], ['web1'], '/shop')).toEqual([
      {
        target: 'web1',
        balancer: 'lb1',
        member: 'tomcat-a',
        cookie: 'TOMCAT_PD_PIN=tomcat-a',
        url: '/shop/?TOMCAT_PD_PIN=tomcat-a',
      },
    ]);
    expect(previousColourPins([haproxy], ['web2'], '/')[0]?.url).toBe('/?TOMCAT_PD_PIN=web2');
  });
});
