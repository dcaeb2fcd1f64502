/**
 * Faults: Tomcat dies (SIGKILL) and is started again while `drain --every` runs.
 *
 * - Tomcat killed between two cycles, down for a while, then restarted. Promise: the loop keeps
 *   running: each cycle while Tomcat is down is one JSON line with an `E_CONNECT` error, and no
 *   cycle is skipped or repeated; once Tomcat is back the loop drains again. The old version,
 *   held by a session before the crash, is drained after it (the JVM's sessions died with it):
 *   it is seen drained, waits out the grace period, and is undeployed, while the live version
 *   stays. SIGTERM then ends the loop with exit 0.
 */
import { describe, expect, it } from 'vitest';
import { deploy, getStatus } from '@tomcat-pd/core';
import { collect, connection, spawnCli, waitForOutput } from './cli-helpers.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

const fixture = useTomcat();

interface CycleLine {
  cycle: number;
  report?: { apps: { path: string; versions: { version: string; outcome: string; reason: string }[] }[] };
  error?: { code: string; message: string };
}

/** What a cycle did with `version`: its outcome, `error:<code>` for a failed cycle. */
function outcomeOf(cycle: CycleLine, version: string): string | undefined {
  if (cycle.error) return `error:${cycle.error.code}`;
  return cycle.report?.apps.find((app) => app.path === '/ev')?.versions.find((v) => v.version === version)
    ?.outcome;
}

describe('drain --every across a Tomcat restart', () => {
  it('keeps cycling while Tomcat is down, then drains what the crash left drained; SIGTERM exits 0', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/ev',
      warFile: await buildTestWar(warDir, { label: 'e1', fileName: 'ev-e1.war' }),
    });
    const holder = new Visitor(tomcat.baseUrl);
    expect(await holder.get('/ev/')).toMatchObject({ label: 'e1', version: '001' });
    await deploy(client, {
      path: '/ev',
      warFile: await buildTestWar(warDir, { label: 'e2', fileName: 'ev-e2.war' }),
    });

    const args = ['drain', '--path', '/ev', '--every', '1s', '--grace', '1s', '--json'];
    const child = spawnCli([...args, ...connection(tomcat)], {
      env: { TOMCAT_PD_PASSWORD: tomcat.password },
    });
    const done = collect(child, 55_000, args);
    try {
      // Two cycles that keep 001: its visitor's session holds it.
      await waitForOutput(child, /"cycle":2,/);
      await tomcat.kill();
      // Down: a cycle fails (after the read's own retries), and the loop goes on.
      await waitForOutput(child, /"code":"E_CONNECT"/, 20_000);
      await tomcat.restart();
      await waitForOutput(child, /"outcome":"undeployed"/, 20_000);
    } finally {
      child.kill('SIGTERM');
    }
    const result = await done;
    expect(result.code, result.stderr).toBe(0);

    const cycles = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as CycleLine);
    // One line per cycle, none skipped or repeated, the failed ones included.
    expect(cycles.map((c) => c.cycle)).toEqual(cycles.map((_, i) => i + 1));
    const outcomes = cycles.map((c) => outcomeOf(c, '001'));
    const firstError = outcomes.indexOf('error:E_CONNECT');
    const undeployed = outcomes.indexOf('undeployed');
    expect(firstError, outcomes.join(' ')).toBeGreaterThanOrEqual(2);
    expect(cycles[firstError]?.error?.message).toMatch(/Cannot reach the Manager/);
    // Before the crash: kept for its session. After it: seen drained, waits out the grace, goes.
    expect(outcomes.slice(0, firstError).every((o) => o === 'kept')).toBe(true);
    expect(cycles[0]?.report?.apps[0]?.versions[0]?.reason).toBe('draining: 1 session');
    expect(undeployed, outcomes.join(' ')).toBeGreaterThan(firstError);
    const afterRestart = outcomes.slice(firstError, undeployed).filter((o) => o !== 'error:E_CONNECT');
    expect(afterRestart.length, outcomes.join(' ')).toBeGreaterThanOrEqual(1);
    expect(afterRestart.every((o) => o === 'waiting')).toBe(true);
    // The live version was kept in every cycle that ran.
    for (const cycle of cycles.filter((c) => c.report)) expect(outcomeOf(cycle, '002')).toBe('kept');

    const status = await getStatus(client, { path: '/ev' });
    expect(status.apps[0]?.versions.map((v) => [v.version, v.role])).toEqual([['002', 'live']]);
    // The session died with the JVM: its visitor is on the live version now.
    expect(await holder.get('/ev/')).toMatchObject({ label: 'e2', version: '002' });
  });
});
