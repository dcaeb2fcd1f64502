import { describe, expect, it } from 'vitest';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import type { CommandRunner } from '../../../src/common/command-run.js';
import { RestartError } from '../../../src/ops/restart/restart-error.js';
import { restartTargets } from '../../../src/ops/restart/restart-targets.js';
import type { RestartOptions } from '../../../src/ops/restart/restart-options.js';
import { UnsafeOperationError } from '../../../src/errors/error-classes.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, FakeManager } from '../../helpers/fake-client.js';

const NAMES = ['web1', 'web2', 'web3'];

/** Three Tomcats behind two balancers; the runner records what each balancer read when it ran. */
function setUp(runnerExit: (target: string) => number = () => 0) {
  const lbs = [1, 2].map((n) => new FakeBalancer(`lb${n}`, { web1: 'ready', web2: 'ready', web3: 'ready' }));
  const clients = NAMES.map((name) => {
    const client = new FakeManager([entry('/shop', '002'), entry('/manager', '')]);
    client.name = name;
    return client;
  });
  const ran: { target: string; states: (string | undefined)[]; env: Record<string, string> }[] = [];
  const runner: CommandRunner = {
    run(command, { env, onLine }) {
      const target = env.TOMCAT_PD_TARGET!;
      ran.push({ target, states: lbs.map((lb) => lb.admin(target)), env: { ...env } });
      onLine(`restarting ${target}`);
      return Promise.resolve({ exitCode: runnerExit(target), signal: null, timedOut: false });
    },
  };
  const output: string[] = [];
  const options: RestartOptions = {
    balancers: lbs,
    clients,
    exec: 'restart-it',
    runner,
    intervalMs: 1,
    maxDrainMs: 30,
    startTimeoutMs: 30,
    onOutput: (target, line) => output.push(`${target}| ${line}`),
  };
  return { lbs, clients, ran, runner, output, options };
}

async function failure(promise: Promise<unknown>): Promise<RestartError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(RestartError);
  return caught as RestartError;
}

describe('restartTargets', () => {
  it('restarts each target in config order: drain, drained, maint, exec, started, probe, ready', async () => {
    const { lbs, ran, output, options, clients } = setUp();
    const report = await restartTargets(options);
    expect(report.targets.map((t) => t.target)).toEqual(NAMES);
    for (const target of report.targets) {
      expect(target.steps.map((s) => s.step)).toEqual([
        'drain',
        'drained',
        'maint',
        'exec',
        'started',
        'probe',
        'ready',
      ]);
      expect(target.steps.every((s) => s.outcome === 'done' && s.durationMs! >= 0)).toBe(true);
      expect(target.outcome).toBe('done');
    }
    // Each command ran while its target was in maint on both balancers, the others ready.
    expect(ran.map((r) => [r.target, r.states])).toEqual(NAMES.map((t) => [t, ['maint', 'maint']]));
    expect(ran[0]!.env).toEqual({
      TOMCAT_PD_TARGET: 'web1',
      TOMCAT_PD_MANAGER_URL: clients[0]!.managerUrl,
      TOMCAT_PD_APP_URL: clients[0]!.appUrl,
    });
    expect(output).toEqual(NAMES.map((t) => `${t}| restarting ${t}`));
    for (const lb of lbs)
      expect(lb.sent).toEqual(NAMES.flatMap((t) => [`${t}:drain`, `${t}:maint`, `${t}:ready`]));
    // The app was probed directly after the restart.
    expect(clients[0]!.calls).toContain('visit OPTIONS /shop/');
  });

  it('restarts only --target, in its order', async () => {
    const { ran, options } = setUp();
    const report = await restartTargets({ ...options, targets: ['web3', 'web1'] });
    expect(report.targets.map((t) => t.target)).toEqual(['web3', 'web1']);
    expect(ran.map((r) => r.target)).toEqual(['web3', 'web1']);
  });

  it('refuses (E_UNSAFE, nothing changed) when fewer than two members are ready', async () => {
    const { lbs, ran, options } = setUp();
    lbs[1]!.members.set('web2', { name: 'web2', admin: 'maint', health: 'up' });
    lbs[1]!.members.set('web3', { name: 'web3', admin: 'maint', health: 'up' });
    const caught = await restartTargets(options).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(UnsafeOperationError);
    expect((caught as UnsafeOperationError).rule).toBe('too-few-ready');
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('refuses (E_UNSAFE, nothing changed) when only one target is behind the balancer', async () => {
    const { ran, options, clients } = setUp();
    const alone = new FakeBalancer('lb1', { web1: 'ready' });
    const caught = await restartTargets({ ...options, balancers: [alone], clients: [clients[0]!] }).catch(
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(UnsafeOperationError);
    expect(caught).toMatchObject({ rule: 'too-few-ready' });
    expect((caught as UnsafeOperationError).message).toContain(
      'fewer than two members take new visitors on lb1 (web1)',
    );
    expect(alone.sent).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('a drain that outlasts --max-drain fails: the target is put back to ready, nothing runs', async () => {
    const { lbs, ran, options, clients } = setUp();
    clients[0]!.contexts[0]!.sessions = 3;
    const error = await failure(restartTargets(options));
    expect(error).toMatchObject({ code: 'E_OPERATION', target: 'web1', step: 'drained', putBack: true });
    expect(error.remaining).toEqual(NAMES);
    expect(error.hint).toContain("targets: 'web1,web2,web3'");
    for (const lb of lbs) expect(lb.sent).toEqual(['web1:drain', 'web1:ready']);
    expect(ran).toEqual([]);
  });

  it('with onMaxDrain proceed, goes on and records the sessions lost', async () => {
    const { options, clients } = setUp();
    clients[0]!.contexts[0]!.sessions = 3;
    const report = await restartTargets({ ...options, onMaxDrain: 'proceed' });
    expect(report.targets.map((t) => t.sessionsLost)).toEqual([3, 0, 0]);
  });

  it('sessions begun during the drain (returning visitors) are not waited for, and are counted as lost and said', async () => {
    const { options, clients } = setUp();
    let reads = 0;
    // web1 has no session when its drain begins; a returning visitor makes one there just after.
    clients[0]!.beforeList = (contexts) => {
      reads += 1;
      if (reads === 3) contexts[0]!.sessions = 1;
    };
    const warnings: string[] = [];
    const report = await restartTargets({ ...options, logger: { warn: (line) => warnings.push(line) } });
    expect(report.targets.map((t) => [t.outcome, t.sessionsLost])).toEqual([
      ['done', 1],
      ['done', 0],
      ['done', 0],
    ]);
    expect(warnings).toEqual([
      'web1: 1 sessions begun during the drain (visitors whose session had ended, sent back by their route) will be lost by its restart.',
    ]);
  });

  it('a command that fails leaves its target in maint, stops the roll, and leaves the later targets untouched', async () => {
    const { lbs, ran, options } = setUp((target) => (target === 'web2' ? 1 : 0));
    const error = await failure(restartTargets(options));
    expect(error).toMatchObject({ code: 'E_OPERATION', target: 'web2', step: 'exec', putBack: false });
    expect(error.message).toContain('exited with 1');
    expect(error.remaining).toEqual(['web2', 'web3']);
    expect(error.report.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'done'],
      ['web2', 'failed'],
    ]);
    expect(ran.map((r) => r.target)).toEqual(['web1', 'web2']);
    for (const lb of lbs) {
      expect(lb.admin('web1')).toBe('ready');
      expect(lb.admin('web2')).toBe('maint');
      expect(lb.sent.filter((s) => s.startsWith('web3'))).toEqual([]);
    }
  });

  it('an app that does not run again in --start-timeout leaves the target in maint', async () => {
    const { lbs, options, clients, runner } = setUp();
    const error = await failure(
      restartTargets({
        ...options,
        runner: {
          run: (command, run) => {
            clients[0]!.contexts[0]!.state = 'stopped';
            return runner.run(command, run);
          },
        },
      }),
    );
    expect(error).toMatchObject({ target: 'web1', step: 'started', putBack: false });
    expect(error.message).toBe(
      "Failed restarting web1 at step started: Waited 0 s for web1's apps to run again: not running /shop##002. It is left in maint.",
    );
    expect(error.hint).toBe("No target was restarted. Resume with targets: 'web1,web2,web3'.");
    for (const lb of lbs) expect(lb.admin('web1')).toBe('maint');
  });

  it('a Tomcat that does not come back in --start-timeout fails step started, leaves the target in maint and says its Manager does not answer', async () => {
    const { lbs, ran, options, clients, runner } = setUp();
    const error = await failure(
      restartTargets({
        ...options,
        runner: {
          run: (command, run) => {
            clients[0]!.list = () => Promise.reject(new TomcatPdError('E_CONNECT', 'connect ECONNREFUSED'));
            return runner.run(command, run);
          },
        },
      }),
    );
    expect(error).toMatchObject({ code: 'E_OPERATION', target: 'web1', step: 'started', putBack: false });
    expect(error.message).toContain(
      "Waited 0 s for web1's Manager to answer again (last: connect ECONNREFUSED).",
    );
    expect(error.remaining).toEqual(NAMES);
    expect(error.report.targets[0]!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['drain', 'done'],
      ['drained', 'done'],
      ['maint', 'done'],
      ['exec', 'done'],
      ['started', 'failed'],
    ]);
    expect(ran.map((r) => r.target)).toEqual(['web1']);
    for (const lb of lbs) expect([lb.admin('web1'), lb.admin('web2')]).toEqual(['maint', 'ready']);
  });

  it('a command that hangs past execTimeoutMs is killed (the real /bin/sh runner): step exec fails, the target is left in maint', async () => {
    const { lbs, options } = setUp();
    const started = Date.now();
    const error = await failure(
      restartTargets({ ...options, runner: undefined, exec: 'sleep 30', execTimeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toMatchObject({ code: 'E_OPERATION', target: 'web1', step: 'exec', putBack: false });
    expect(error.message).toBe(
      'Failed restarting web1 at step exec: The command ran longer than 0.3 s and was killed, with every process it started. It is left in maint.',
    );
    expect(error.hint).toContain("Resume with targets: 'web1,web2,web3'");
    for (const lb of lbs) expect([lb.admin('web1'), lb.admin('web2')]).toEqual(['maint', 'ready']);
  });

  it('a probe that fails leaves the target in maint', async () => {
    const { lbs, options, clients } = setUp();
    clients[0]!.answerVisit = () => ({ status: 503, body: '' });
    const error = await failure(restartTargets(options));
    expect(error).toMatchObject({ target: 'web1', step: 'probe' });
    expect(error.failure.code).toBe('E_UNSAFE');
    for (const lb of lbs) expect(lb.admin('web1')).toBe('maint');
  });

  it('a ready that fails on a balancer leaves the target in maint', async () => {
    const { lbs, options } = setUp();
    lbs[1]!.failSend.set('ready', new TomcatPdError('E_BALANCER', 'refused'));
    const error = await failure(restartTargets(options));
    expect(error).toMatchObject({ target: 'web1', step: 'ready', putBack: false });
    for (const lb of lbs) expect(lb.admin('web1')).toBe('maint');
  });

  it('a target that stays down on a balancer after ready fails the ready step and is left in maint', async () => {
    const { lbs, options } = setUp();
    const send = lbs[0]!.send.bind(lbs[0]);
    lbs[0]!.send = (member, state) =>
      send(member, state).then(() => {
        if (state === 'ready') lbs[0]!.members.set(member, { name: member, admin: 'ready', health: 'down' });
      });
    const error = await failure(restartTargets(options));
    expect(error).toMatchObject({ code: 'E_OPERATION', target: 'web1', step: 'ready', putBack: false });
    expect(error.message).toContain('Waited 0 s for web1 to be up on lb1, where web1 reads down.');
    for (const lb of lbs) expect(lb.admin('web1')).toBe('maint');
  });

  it('an abort before the command puts the target back to the state it had and stops', async () => {
    const { lbs, ran, options, clients } = setUp();
    const controller = new AbortController();
    clients[0]!.contexts[0]!.sessions = 1;
    clients[0]!.beforeList = () => controller.abort();
    const error = await failure(restartTargets({ ...options, signal: controller.signal }));
    expect(error).toMatchObject({ code: 'E_ABORTED', target: 'web1', putBack: true });
    for (const lb of lbs) expect(lb.admin('web1')).toBe('ready');
    expect(ran).toEqual([]);
  });

  it('an abort after the command finishes that target (checked and ready), then stops', async () => {
    const { lbs, ran, options, runner } = setUp();
    const controller = new AbortController();
    const error = await failure(
      restartTargets({
        ...options,
        signal: controller.signal,
        runner: {
          run: (command, run) => {
            controller.abort();
            return runner.run(command, run);
          },
        },
      }),
    );
    expect(error).toMatchObject({
      code: 'E_ABORTED',
      target: 'web2',
      step: undefined,
      remaining: ['web2', 'web3'],
    });
    expect(error.message).toBe(
      'Stopped after web1 was restarted, checked and made ready; web2 was not touched. A signal stopped the roll.',
    );
    expect(error.hint).toBe("Restarted: web1. Resume with targets: 'web2,web3'.");
    expect(error.report.targets.map((t) => [t.target, t.outcome])).toEqual([['web1', 'done']]);
    expect(error.report.targets[0]!.steps.slice(-3).map((s) => [s.step, s.outcome])).toEqual([
      ['started', 'done'],
      ['probe', 'done'],
      ['ready', 'done'],
    ]);
    expect(ran.map((r) => r.target)).toEqual(['web1']);
    for (const lb of lbs) expect([lb.admin('web1'), lb.admin('web2')]).toEqual(['ready', 'ready']);
  });

  it('an abort during the last target after its command: it is done, and the roll still ends as stopped', async () => {
    const { lbs, options, runner } = setUp();
    const controller = new AbortController();
    const error = await failure(
      restartTargets({
        ...options,
        targets: ['web3'],
        signal: controller.signal,
        runner: {
          run: (command, run) => {
            controller.abort();
            return runner.run(command, run);
          },
        },
      }),
    );
    expect(error).toMatchObject({ code: 'E_ABORTED', target: undefined, step: undefined, remaining: [] });
    expect(error.message).toContain(
      'Stopped after web3 was restarted, checked and made ready; no target was left.',
    );
    expect(error.hint).toBe('Restarted: web3.');
    for (const lb of lbs) expect(lb.admin('web3')).toBe('ready');
  });

  it('checks its options before anything is sent', async () => {
    const { lbs, options } = setUp();
    await expect(restartTargets({ ...options, targets: ['web9'] })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    await expect(restartTargets({ ...options, exec: ' ' })).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });
});
