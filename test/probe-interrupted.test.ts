import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { collect, connection, expectExit, jsonOf, spawnCli, type CliResult } from './cli-helpers.js';

import { Visitor } from '@tomcat-pd/testkit/visitor';
import { smokeContexts, type StatusDocument, probeSuite } from './probe-support.js';
import { expectSessionsKept, sessionChanges, sessionsByVersion } from './session-counts.js';
import { useTomcat } from './support.js';

// A probe or a smoke test cut short (issue 11): SIGINT or SIGTERM while one runs removes the
// version being probed (or the temporary context) and exits 1 with E_ABORTED; Tomcat restarting
// while a probe waits is waited out like any other "not up yet". The CLI runs as its own process
// and is signalled the way a person or a CI runner would. Each test uses its own path.

const fixture = useTomcat();
const { cli, healthWar, versionsOf, liveWithSessions } = probeSuite(fixture);

/** `tomcat-pd deploy ARGS` as a process of its own, its output collected from the start. */
function startDeploy(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  done: Promise<CliResult>;
} {
  const child = spawnCli(['deploy', ...args, ...connection(fixture.tomcat)], {
    env: { TOMCAT_PD_PASSWORD: fixture.tomcat.password },
  });
  return { child, done: collect(child, 60_000, ['deploy', ...args]) };
}

/** Resolves once the child's progress (stderr) matches `pattern`: the command has reached that step. */
function reached(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string) => {
      seen += chunk;
      if (!pattern.test(seen)) return;
      child.stderr.off('data', onData);
      resolve();
    };
    child.stderr.on('data', onData);
    child.once('close', () => reject(new Error(`the CLI ended before ${String(pattern)}; stderr:\n${seen}`)));
  });
}

describe('a probe or a smoke test cut short by a signal', () => {
  it('SIGINT during the probe of a live version undoes it: exit 1 (E_ABORTED), the old version keeps its sessions', async () => {
    const { holders, before } = await liveWithSessions('/isig');
    const { child, done } = startDeploy([
      await healthWar('two', 'hang'),
      '--path',
      '/isig',
      '--probe',
      '/health',
    ]);
    await reached(child, /probing \S+\/isig\/health/);
    const signalled = Date.now();
    child.kill('SIGINT');
    const result = await done;
    expectExit(result, 1);
    // The hanging request is cut and the version undeployed, without waiting out the 60 s probe.
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect(result.stderr).toMatch(/abort/i);
    expect(result.stderr).toMatch(
      /The probe of the new version \/isig##002 was aborted\. It was undeployed; version 001 is live again/,
    );
    expect(await versionsOf('/isig')).toEqual([['001', 'live', 2]]);
    expect(sessionChanges(before, await sessionsByVersion(fixture.client, '/isig'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/isig/')).toMatchObject({
      status: 200,
      label: 'one',
    });
  });

  it('SIGTERM during a smoke test removes the temporary context; the app never got the new version', async () => {
    const { holders, before } = await liveWithSessions('/ismoke');
    const { child, done } = startDeploy([
      await healthWar('two', 'hang'),
      '--path',
      '/ismoke',
      '--smoke',
      '/health',
    ]);
    await reached(child, /probing \S+\/ismoke-smoke-[0-9a-f]{4}\/health/);
    child.kill('SIGTERM');
    const result = expectExit(await done, 1);
    expect(result.stderr).toMatch(/abort/i);
    expect(result.stderr).toMatch(/removing the smoke test's \/ismoke-smoke-[0-9a-f]{4}/);
    expect(result.stderr).toMatch(
      /smoke test of \/ismoke under \/ismoke-smoke-[0-9a-f]{4} was aborted\. It was removed again/,
    );
    expect(smokeContexts(jsonOf<StatusDocument>(await cli(['status', '--json'])))).toEqual([]);
    expect(await versionsOf('/ismoke')).toEqual([['001', 'live', 2]]);
    expect(sessionChanges(before, await sessionsByVersion(fixture.client, '/ismoke'))).toEqual({});
    await expectSessionsKept(holders);
  });
});

describe('Tomcat restarting while a probe waits', () => {
  it('no answer during the restart is waited for; the version that comes back healthy passes', async () => {
    await liveWithSessions('/irestart');
    // 503 for 5 s after its first health request, and again after the restart (a fresh start):
    // the restart surely happens while the probe still waits.
    const war = await healthWar('two', 'ready-after', 5_000);
    const { child, done } = startDeploy([war, '--path', '/irestart', '--probe', '/health']);
    await reached(child, /\/irestart\/health answered HTTP 503/);
    await fixture.tomcat.restart();
    expect(child.exitCode, 'the deploy was still probing when Tomcat came back').toBeNull();
    const result = expectExit(await done, 0);
    const probed = /live probe \S+\/irestart\/health: HTTP 200 in (\d+) ms/.exec(
      result.stderr + result.stdout,
    );
    expect(probed, result.stderr).not.toBeNull();
    expect(Number(probed?.[1])).toBeGreaterThanOrEqual(5_000);
    const versions = await versionsOf('/irestart');
    expect(versions.map(([version]) => version)).toEqual(['001', '002']);
    expect(versions[1]?.slice(0, 2)).toEqual(['002', 'live']);
  });
});
