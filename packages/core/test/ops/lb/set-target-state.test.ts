import { describe, expect, it } from 'vitest';
import { BalancerError, ConnectionError, UsageError } from '../../../src/errors/error-classes.js';
import { setTargetState } from '../../../src/ops/lb/set-target-state.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';

function twoBalancers() {
  const lb1 = new FakeBalancer('lb1', { s1: 'ready', s2: 'ready' });
  lb1.memberMap = { web1: 's1', web2: 's2' };
  const lb2 = new FakeBalancer('lb2', { web1: 'ready', web2: 'ready' });
  return { lb1, lb2 };
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('setTargetState', () => {
  it("changes the target on every balancer that has it, under each one's member name", async () => {
    const { lb1, lb2 } = twoBalancers();
    const report = await setTargetState({ balancers: [lb1, lb2], target: 'web1', state: 'drain' });
    expect([lb1.sent, lb2.sent]).toEqual([['s1:drain'], ['web1:drain']]);
    expect(report.balancers).toEqual([
      { balancer: 'lb1', member: 's1', before: 'ready', after: 'drain', changed: true },
      { balancer: 'lb2', member: 'web1', before: 'ready', after: 'drain', changed: true },
    ]);
  });

  it('with --balancer, changes only that one', async () => {
    const { lb1, lb2 } = twoBalancers();
    await setTargetState({ balancers: [lb1, lb2], target: 'web1', state: 'maint', balancer: 'lb2' });
    expect([lb1.sent, lb2.sent]).toEqual([[], ['web1:maint']]);
  });

  it('puts back the balancers already changed when one fails, and says what became of each', async () => {
    const { lb1, lb2 } = twoBalancers();
    lb2.failSend.set('drain', new BalancerError('No such server.', { balancer: 'lb2', member: 'web1' }));
    const error = await caught(setTargetState({ balancers: [lb1, lb2], target: 'web1', state: 'drain' }));
    expect(error).toMatchObject({ name: 'BalancerChangeError', code: 'E_BALANCER' });
    expect((error as { balancers: { outcome: string }[] }).balancers.map(({ outcome }) => outcome)).toEqual([
      'undone',
      'failed',
    ]);
    expect((error as Error).message).toContain('The balancers already changed were put back.');
    expect(lb1.sent).toEqual(['s1:drain', 's1:ready']);
    expect(lb1.admin('s1')).toBe('ready');
  });

  it('changes nothing when a balancer cannot be read', async () => {
    const { lb1, lb2 } = twoBalancers();
    lb2.failRead = new ConnectionError('Cannot reach lb2.', { transient: false });
    const error = await caught(setTargetState({ balancers: [lb1, lb2], target: 'web1', state: 'drain' }));
    expect(error).toMatchObject({ code: 'E_CONNECT' });
    expect((error as { hint: string }).hint).toContain('Nothing was changed.');
    expect(lb1.sent).toEqual([]);
  });

  it('refuses to take the last member for new visitors out, unless forced', async () => {
    const lb = new FakeBalancer('lb1', { web1: 'ready', web2: 'drain' });
    const error = await caught(setTargetState({ balancers: [lb], target: 'web1', state: 'drain' }));
    expect(error).toMatchObject({ code: 'E_UNSAFE', rule: 'last-ready-member' });
    expect(lb.sent).toEqual([]);
    await setTargetState({ balancers: [lb], target: 'web1', state: 'drain', force: true });
    expect(lb.sent).toEqual(['web1:drain']);
  });

  it('is bad input, nothing sent, for a target no balancer has, an unknown balancer or no balancer', async () => {
    const { lb1, lb2 } = twoBalancers();
    const unknownTarget = await caught(
      setTargetState({ balancers: [lb1, lb2], target: 'web9', state: 'drain' }),
    );
    expect(unknownTarget).toBeInstanceOf(UsageError);
    expect((unknownTarget as Error).message).toBe(
      'Target web9 is a member of no balancer (looked for web9 on lb1, web9 on lb2). Nothing was changed.',
    );
    await expect(
      setTargetState({ balancers: [lb1], target: 'web1', state: 'drain', balancer: 'lb3' }),
    ).rejects.toThrow('No balancer is named lb3; the config has lb1.');
    await expect(setTargetState({ balancers: [], target: 'web1', state: 'drain' })).rejects.toBeInstanceOf(
      UsageError,
    );
    expect([lb1.sent, lb2.sent]).toEqual([[], []]);
  });

  it('sends nothing to a balancer where the target has the state already', async () => {
    const lb = new FakeBalancer('lb1', { web1: 'drain', web2: 'ready' });
    const report = await setTargetState({ balancers: [lb], target: 'web1', state: 'drain' });
    expect(report.balancers[0]).toMatchObject({ changed: false });
    expect(lb.sent).toEqual([]);
  });

  it('says that a member down before the drain has nothing to drain, and drains it without waiting for the balancer to show it', async () => {
    const lb = new FakeBalancer('lb1', { web1: { admin: 'ready', health: 'down' }, web2: 'ready' });
    const warnings: string[] = [];
    await setTargetState({
      balancers: [lb],
      target: 'web1',
      state: 'drain',
      logger: { warn: (line) => warnings.push(line) },
    });
    expect(warnings).toEqual([
      'web1 is down on lb1: no visitor reaches it there, so there is nothing to drain.',
    ]);
    expect(lb.admin('web1')).toBe('drain');
  });
});
