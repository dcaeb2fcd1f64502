import { describe, expect, it } from 'vitest';
import { expectExit, jsonOf } from './cli-helpers.js';
import { NAMES, useFleet, type Name } from './fleet-fixture.js';
import { buildHealthWar, type HealthMode } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  errorOf,
  smokeContexts,
  summary,
  viaLocalhost,
  type DeployDocument,
  type StatusDocument,
} from './probe-support.js';
import {
  clientOf,
  expectSessionsKept,
  openSession,
  sessionChangesOnEach,
  sessionsOnEach,
  type SessionHolder,
} from './session-counts.js';

// Probes on a fleet (issue 11, safety rule 5): every target's new version is probed; one target
// whose app does not answer healthy undoes the version on every target that took it, and with
// `--canary 1` the others start only once the canary's probes passed. The same WAR goes to all
// three; it is broken on one server only (`brokenOnPorts`: as when one server lacks the JDBC
// driver in its lib/).

const fx = useFleet(({ target, tomcats }) =>
  // A target's own app URL: where its visitors (and so its probes) reach it.
  NAMES.map((name) =>
    name === 'web2' ? target(name, { appUrl: viaLocalhost(tomcats[name].baseUrl) }) : target(name),
  ),
);
const { fleet } = fx;

/** Where each target's probes go: web2's through its appUrl. */
function appUrlOf(name: Name): string {
  return name === 'web2' ? viaLocalhost(fx.tomcats.web2.baseUrl) : fx.tomcats[name].baseUrl;
}

function portOf(name: Name): number {
  return Number(new URL(fx.tomcats[name].baseUrl).port);
}

/** A health WAR, broken (500) on the servers named in `brokenOn`. */
function war(label: string, brokenOn: readonly Name[] = [], health: HealthMode = 'ok'): Promise<string> {
  return buildHealthWar(fx.dir, { label, health, brokenOnPorts: brokenOn.map(portOf) });
}

/** `web1: ['001 live']`: every version of `path` with its role on each target, and any smoke context. */
async function versionsOf(path: string): Promise<Record<Name, string[]>> {
  const document = jsonOf<StatusDocument>(await fleet(['status', '--json']));
  expect(smokeContexts(document), 'smoke contexts left').toEqual([]);
  const versions = { web1: [], web2: [], web3: [] } as Record<Name, string[]>;
  for (const app of document.apps.filter((a) => a.path === path)) {
    versions[app.target as Name].push(...app.versions.map((v) => `${v.version} ${v.role}`));
  }
  return versions;
}

function everywhere(...versions: string[]): Record<Name, string[]> {
  return { web1: versions, web2: versions, web3: versions };
}

function countSessions(path: string) {
  return sessionsOnEach(Object.fromEntries(NAMES.map((name) => [name, clientOf(fx.tomcats[name])])), path);
}

/** Version 001 (label `one`) of `path` live on all three, with a session held on each. */
async function liveEverywhere(
  path: string,
): Promise<{ holders: SessionHolder[]; before: Record<Name, Record<string, number>> }> {
  expectExit(await fleet(['deploy', await war('one'), '--path', path, '--quiet']), 0);
  const holders = await Promise.all(
    NAMES.map((name) => openSession(fx.tomcats[name].baseUrl, path, '001', name)),
  );
  return { holders, before: await countSessions(path) };
}

/** After a failed deploy: only 001 everywhere, every session kept, new visitors get `one`. */
async function expectUndoneEverywhere(
  path: string,
  holders: SessionHolder[],
  before: Record<Name, Record<string, number>>,
) {
  expect(await versionsOf(path)).toEqual(everywhere('001 live'));
  expect(sessionChangesOnEach(before, await countSessions(path))).toEqual({});
  await expectSessionsKept(holders);
  for (const name of NAMES)
    expect(await new Visitor(fx.tomcats[name].baseUrl).get(`${path}/`), name).toMatchObject({ label: 'one' });
}

describe('deploy --probe to several Tomcats', () => {
  it('every target is smoke-tested and probed, each where its visitors reach it', async () => {
    const document = jsonOf<DeployDocument>(
      await fleet([
        'deploy',
        await war('all'),
        '--path',
        '/fok',
        '--smoke',
        '/health',
        '--probe',
        '/health',
        '--json',
      ]),
    );
    expect(document.version).toBe('001');
    const byTarget = (name: Name) => document.probes.filter((p) => p.target === name);
    for (const name of NAMES) {
      const [smoke, live, ...more] = byTarget(name);
      expect(more, name).toEqual([]);
      expect(smoke, name).toMatchObject({ phase: 'smoke', status: 200, ok: true });
      expect(smoke?.url, name).toMatch(/\/fok-smoke-[0-9a-f]{4}\/health$/);
      expect(smoke?.url.startsWith(`${appUrlOf(name)}/`), `${name} smoke ${smoke?.url}`).toBe(true);
      expect(summary([live!]), name).toEqual([['live', `${appUrlOf(name)}/fok/health`, 200, true]]);
    }
    expect(document.probes).toHaveLength(6);
    expect(await versionsOf('/fok')).toEqual(everywhere('001 live'));
  });

  it('one target whose app is broken: the version is undone on every target, no session is lost', async () => {
    const { holders, before } = await liveEverywhere('/fbad');
    const result = await fleet([
      'deploy',
      await war('two', ['web3']),
      '--path',
      '/fbad',
      '--probe',
      '/health',
      '--json',
    ]);
    const document = errorOf(result);
    expect(document.error.name).toBe('FleetOperationError');
    expect(document.error.targets?.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'undone'],
      ['web3', 'failed'],
    ]);
    const web3 = document.error.targets?.[2];
    expect(summary(web3?.probes)).toEqual([['live', `${fx.tomcats.web3.baseUrl}/fbad/health`, 500, false]]);
    expect(web3?.error?.message).toContain('broken: missing JDBC driver on this server');
    // The healthy targets' probes passed before they were undone.
    for (const t of document.error.targets?.slice(0, 2) ?? [])
      expect(summary(t.probes).map(([phase, , status, ok]) => [phase, status, ok])).toEqual([
        ['live', 200, true],
      ]);
    expect(result.stderr).toContain(`${fx.tomcats.web3.baseUrl}/fbad/health`);
    expect(result.stderr).toContain('HTTP 500');
    await expectUndoneEverywhere('/fbad', holders, before);
  });

  it('--canary 1 with a broken canary: the others never get the version', async () => {
    const { holders, before } = await liveEverywhere('/fcan');
    const result = await fleet([
      'deploy',
      await war('two', ['web1']),
      '--path',
      '/fcan',
      '--canary',
      '1',
      '--probe',
      '/health',
      '--json',
    ]);
    const document = errorOf(result);
    // The canary's Tomcat started the version (only its probe failed): the others waited for
    // the probe, not just for the start, or they would be `undone` here, not `not-started`.
    expect(document.error.targets?.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'failed'],
      ['web2', 'not-started'],
      ['web3', 'not-started'],
    ]);
    expect(summary(document.error.targets?.[0]?.probes)).toEqual([
      ['live', `${fx.tomcats.web1.baseUrl}/fcan/health`, 500, false],
    ]);
    for (const t of document.error.targets?.slice(1) ?? []) expect(t.probes ?? []).toEqual([]);
    await expectUndoneEverywhere('/fcan', holders, before);
  });

  it('--canary 1 whose probes pass: the others follow, and a broken one undoes the canary too', async () => {
    const { holders, before } = await liveEverywhere('/fnext');
    const document = errorOf(
      await fleet([
        'deploy',
        await war('two', ['web2']),
        '--path',
        '/fnext',
        '--canary',
        '1',
        '--probe',
        '/health',
        '--json',
      ]),
    );
    expect(document.error.targets?.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'undone'],
    ]);
    expect(summary(document.error.targets?.[0]?.probes)).toEqual([
      ['live', `${fx.tomcats.web1.baseUrl}/fnext/health`, 200, true],
    ]);
    expect(summary(document.error.targets?.[1]?.probes)).toEqual([
      ['live', `${appUrlOf('web2')}/fnext/health`, 500, false],
    ]);
    await expectUndoneEverywhere('/fnext', holders, before);
  });
});
