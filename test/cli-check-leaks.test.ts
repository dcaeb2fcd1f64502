import { describe, expect, it } from 'vitest';
import { cliAgainst, expectExit, jsonOf } from './cli-helpers.js';
import { buildLeakyWar, buildTidyWar } from '@tomcat-pd/testkit/leak-wars';
import { useTomcat } from './support.js';

// Issue 13, item 2: --check-leaks on drain, undeploy and rollback, through the built CLI against
// a real Tomcat. The leaky WAR's listener starts a thread it never stops, so its class loader
// stays behind after an undeploy; the tidy one stops it. Tomcat names paths, not versions.

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

interface LeaksEntry {
  target: string;
  ok: boolean;
  leaks?: { path: string; undeployedNow: string[] }[];
}

async function deploy(path: string, war: Promise<string>): Promise<void> {
  expectExit(await cli(['deploy', await war, '--path', path, '--quiet']), 0);
}

const leaky = (label: string) => buildLeakyWar(fixture.warDir, { label, fileName: `${label}.war` });
const tidy = (label: string) => buildTidyWar(fixture.warDir, { label, fileName: `${label}.war` });

describe('--check-leaks', () => {
  it('drain: the tidy app undeployed cleanly, no leak; without the flag, no leaks key', async () => {
    await deploy('/tidy', tidy('tidy-one'));
    await deploy('/tidy', tidy('tidy-two'));
    const plain = jsonOf<Record<string, unknown>>(
      await cli(['drain', '--path', '/tidy', '--grace', '0s', '--dry-run', '--json']),
    );
    expect(plain).not.toHaveProperty('leaks');
    const document = jsonOf<{ undeployed: number; leaks: LeaksEntry[] }>(
      await cli(['drain', '--path', '/tidy', '--grace', '0s', '--check-leaks', '--json']),
    );
    expect(document.undeployed).toBe(1);
    expect(document.leaks).toEqual([{ target: fixture.tomcat.managerUrl, ok: true, leaks: [] }]);
  });

  it('drain: the leaky version it undeployed is named as the suspect, with the advice to restart', async () => {
    await deploy('/leaky', leaky('leaky-one'));
    await deploy('/leaky', leaky('leaky-two'));
    const result = expectExit(await cli(['drain', '--path', '/leaky', '--grace', '0s', '--check-leaks']), 0);
    expect(result.stdout).toMatch(
      /: a class loader of \/leaky stayed behind: version 001 undeployed now, or an earlier one of \/leaky\.$/m,
    );
    expect(result.stdout).toMatch(/^Only a restart of Tomcat frees a class loader that stayed behind/m);
  });

  it('undeploy and rollback: their removed versions are the suspects; an older leak is named without them', async () => {
    await deploy('/leaky', leaky('leaky-three'));
    const undeployed = jsonOf<{ leaks: LeaksEntry[] }>(
      await cli(['undeploy', '--path', '/leaky', '--version', '002', '--check-leaks', '--json']),
    );
    const [entry] = undeployed.leaks;
    expect(entry?.ok).toBe(true);
    // Tomcat names /leaky once per class loader left: 001's (from the drain) and 002's.
    expect(entry?.leaks).toEqual(expect.arrayContaining([{ path: '/leaky', undeployedNow: ['002'] }]));
    await deploy('/leaky', leaky('leaky-four'));
    const rolledBack = jsonOf<{ targets: { live: string }[]; leaks: LeaksEntry[] }>(
      await cli(['rollback', '--path', '/leaky', '--check-leaks', '--json']),
    );
    expect(rolledBack.targets[0]?.live).toBe('003');
    expect(rolledBack.leaks[0]?.leaks).toEqual(
      expect.arrayContaining([{ path: '/leaky', undeployedNow: ['004'] }]),
    );
  });
});
