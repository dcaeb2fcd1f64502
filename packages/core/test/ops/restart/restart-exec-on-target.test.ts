import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../../src/common/command-run.js';
import { UsageError } from '../../../src/errors/error-classes.js';
import type { RestartOptions } from '../../../src/ops/restart/restart-options.js';
import { restartTargets } from '../../../src/ops/restart/restart-targets.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, FakeManager } from '../../helpers/fake-client.js';

const NAMES = ['web1', 'web2', 'web3'];

/** A runner that records where it ran each command (`where`: this machine, or a target's host). */
function recordingRunner(where: string, ran: string[]): CommandRunner {
  return {
    run(command, { env }) {
      ran.push(`${where}: ${command} for ${env.TOMCAT_PD_TARGET}`);
      return Promise.resolve({ exitCode: 0, signal: null, timedOut: false });
    },
  };
}

/**
 * Three Tomcats behind one balancer with `execOn: 'target'`; those named in `withSsh` have a
 * `hostRunner` (the client of a target with "ssh"), the others none.
 */
function setUp(withSsh: readonly string[]) {
  const lb = new FakeBalancer('lb1', { web1: 'ready', web2: 'ready', web3: 'ready' });
  const ran: string[] = [];
  const clients = NAMES.map((name) => {
    const client = new FakeManager([entry('/shop', '002'), entry('/manager', '')]);
    client.name = name;
    return withSsh.includes(name)
      ? Object.assign(client, { hostRunner: recordingRunner(`host of ${name}`, ran) })
      : client;
  });
  const options: RestartOptions = {
    balancers: [lb],
    clients,
    exec: 'sudo systemctl restart tomcat10',
    execOn: 'target',
    runner: recordingRunner('controller', ran),
    intervalMs: 1,
    maxDrainMs: 30,
    startTimeoutMs: 30,
  };
  return { lb, clients, ran, options };
}

describe("restartTargets with execOn 'target'", () => {
  it("runs each command on its own target's host, never on the controller", async () => {
    const { options, ran } = setUp(NAMES);
    const report = await restartTargets(options);
    expect(report.targets.map((target) => target.outcome)).toEqual(['done', 'done', 'done']);
    expect(ran).toEqual(NAMES.map((name) => `host of ${name}: sudo systemctl restart tomcat10 for ${name}`));
  });

  it('a target without SSH: a usage error naming it, before anything is sent or run', async () => {
    const { options, lb, clients, ran } = setUp(['web1', 'web3']);
    const failure = restartTargets(options);
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toThrow(
      '--exec-on-target runs the command over each target\'s SSH connection, and web2 has none: give it "ssh" in the config file.',
    );
    expect(lb.sent).toEqual([]);
    expect(clients.flatMap((client) => client.calls)).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('several without: each named', async () => {
    const { options } = setUp([]);
    await expect(restartTargets(options)).rejects.toThrow(
      'and web1, web2, web3 have none: give them "ssh" in the config file.',
    );
  });

  it('only the targets restarted need SSH', async () => {
    const { options, ran } = setUp(['web2']);
    await restartTargets({ ...options, targets: ['web2'] });
    expect(ran).toEqual(['host of web2: sudo systemctl restart tomcat10 for web2']);
  });

  it('a place that is neither: a usage error (from JavaScript, without the types)', async () => {
    const { options, lb } = setUp(NAMES);
    await expect(restartTargets({ ...options, execOn: 'elsewhere' as never })).rejects.toThrow(
      new UsageError('A command runs on the controller or the target, not elsewhere.'),
    );
    expect(lb.sent).toEqual([]);
  });
});
