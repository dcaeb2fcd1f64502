import { describe, expect, it } from 'vitest';
import { CLOSED_URL, cliAgainst, jsonOf, runCli } from './cli-helpers.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

type Json = Record<string, unknown>;

/** The sorted keys of an object: the documented fields, no more and no fewer. */
function keys(value: unknown): string[] {
  expect(value).toBeTypeOf('object');
  return Object.keys(value as Json).sort();
}

const sorted = (...names: string[]) => names.sort();

const DEPLOY_KEYS = sorted('path', 'version', 'displayName', 'targets', 'probes', 'analysis', 'check');
const DEPLOY_TARGET_KEYS = sorted('target', 'live', 'previousLive', 'olderVersions', 'bytes', 'durationMs');

/** The one entry of a document's `targets` (a `--url` is a set of one target), with its documented fields. */
function onlyTarget(document: Json, fields: string[]): Json {
  const targets = document.targets as Json[];
  expect(targets).toHaveLength(1);
  expect(keys(targets[0])).toEqual(fields);
  return targets[0]!;
}

async function war(label: string): Promise<string> {
  return buildTestWar(fixture.warDir, { label });
}

describe('--json documents (the documented fields)', () => {
  it('deploy: { path, version, displayName, targets: [ { target, live, previousLive, olderVersions, bytes, durationMs } ], probes, analysis, check }', async () => {
    const first = jsonOf<Json>(await cli(['deploy', await war('j1'), '--path', '/j', '--json']));
    expect(keys(first)).toEqual(DEPLOY_KEYS);
    expect(first).toMatchObject({ path: '/j', version: '001', displayName: '/j##001' });
    const target = onlyTarget(first, DEPLOY_TARGET_KEYS);
    expect(target).toMatchObject({
      target: fixture.tomcat.managerUrl,
      live: '001',
      previousLive: null,
      olderVersions: [],
    });
    expect(target.bytes).toBeGreaterThan(0);
    expect(target.durationMs).toBeTypeOf('number');

    // A session on 001, so that olderVersions has something to count.
    await new Visitor(fixture.tomcat.baseUrl).get('/j/');
    const second = jsonOf<Json>(await cli(['--json', 'deploy', await war('j2'), '--path', '/j']));
    expect(keys(second)).toEqual(DEPLOY_KEYS);
    expect(second).toMatchObject({ version: '002', displayName: '/j##002' });
    expect(onlyTarget(second, DEPLOY_TARGET_KEYS)).toMatchObject({
      target: fixture.tomcat.managerUrl,
      live: '002',
      previousLive: '001',
      olderVersions: [{ version: '001', sessions: 1 }],
    });
  });

  it('status: { apps: [ { target, path, live, versions: [ { version, state, sessions, role, name } ] } ], errors, warnings: [ { kind, target, ... } ] }', async () => {
    const document = jsonOf<{ apps: Json[]; errors: Json[] }>(await cli(['status', '--json']));
    expect(keys(document)).toEqual(['apps', 'errors', 'warnings']);
    expect(document.errors).toEqual([]);
    const app = document.apps.find((a) => a.path === '/j');
    expect(app).toBeDefined();
    expect(keys(app)).toEqual(sorted('target', 'path', 'live', 'versions'));
    expect(app).toMatchObject({ target: fixture.tomcat.managerUrl, live: '002' });
    const versions = app?.versions as Json[];
    for (const version of versions)
      expect(keys(version)).toEqual(sorted('version', 'state', 'sessions', 'role', 'name'));
    expect(versions.map((v) => [v.version, v.state, v.sessions, v.role])).toEqual([
      ['001', 'running', 1, 'draining'],
      ['002', 'running', 0, 'live'],
    ]);
    // --path narrows it to one app.
    const one = jsonOf<{ apps: Json[] }>(await cli(['status', '--path', '/j', '--json']));
    expect(one.apps.map((a) => a.path)).toEqual(['/j']);
  });

  it('sessions: { versions: [ { target, path, version, role, defaultMaxInactiveMinutes, total, buckets } ], errors }', async () => {
    const document = jsonOf<{ versions: Json[]; errors: Json[] }>(
      await cli(['sessions', '--path', '/j', '--json']),
    );
    expect(keys(document)).toEqual(['errors', 'versions']);
    expect(document.errors).toEqual([]);
    for (const version of document.versions) {
      expect(keys(version)).toEqual(
        sorted('target', 'path', 'version', 'role', 'defaultMaxInactiveMinutes', 'total', 'buckets'),
      );
    }
    const [v1, v2] = document.versions;
    expect(v1).toMatchObject({
      target: fixture.tomcat.managerUrl,
      path: '/j',
      version: '001',
      role: 'draining',
      total: 1,
    });
    expect(v1?.defaultMaxInactiveMinutes).toBe(30);
    const buckets = v1?.buckets as Json[];
    for (const bucket of buckets)
      expect(keys(bucket)).toEqual(sorted('label', 'fromMinutes', 'toMinutes', 'count'));
    expect(buckets.reduce((sum, b) => sum + (b.count as number), 0)).toBe(1);
    expect(v2).toMatchObject({ version: '002', role: 'live', total: 0 });
    // --version narrows it to one version.
    const only = jsonOf<{ versions: Json[] }>(
      await cli(['sessions', '--path', '/j', '--version', '002', '--json']),
    );
    expect(only.versions.map((v) => v.version)).toEqual(['002']);
  });

  it('drain --dry-run: { dryRun, apps: [ { target, path, live, versions: [...] } ], undeployed, failed, errors }', async () => {
    // 003 makes 002 a drained version: the plan undeploys it, the dry run does not.
    jsonOf(await cli(['deploy', await war('j3'), '--path', '/j', '--json']));
    const document = jsonOf<Json>(
      await cli(['drain', '--path', '/j', '--dry-run', '--grace', '0', '--json']),
    );
    expect(keys(document)).toEqual(sorted('dryRun', 'apps', 'undeployed', 'failed', 'errors', 'probes'));
    expect(document).toMatchObject({ dryRun: true, undeployed: 0, failed: 0, errors: [] });
    const apps = document.apps as Json[];
    expect(apps.map((a) => a.path)).toEqual(['/j']);
    expect(keys(apps[0])).toEqual(sorted('target', 'path', 'live', 'versions'));
    expect(apps[0]).toMatchObject({ target: fixture.tomcat.managerUrl, live: '003' });
    const versions = apps[0]?.versions as Json[];
    for (const version of versions) {
      const fields = keys(version).filter((k) => k !== 'detail');
      expect(fields).toEqual(sorted('version', 'state', 'role', 'sessions', 'action', 'reason', 'outcome'));
    }
    expect(versions.map((v) => [v.version, v.action, v.outcome])).toEqual([
      ['001', 'keep', 'kept'],
      ['002', 'undeploy', 'planned'],
      ['003', 'keep', 'kept'],
    ]);
  });

  it('undeploy: { path, version, targets: [ { target, wasLive, sessionsLost } ], errors }', async () => {
    const document = jsonOf<Json>(await cli(['undeploy', '--path', '/j', '--version', '002', '--json']));
    expect(keys(document)).toEqual(sorted('path', 'version', 'targets', 'errors', 'probes'));
    expect(document).toEqual({
      path: '/j',
      version: '002',
      targets: [{ target: fixture.tomcat.managerUrl, wasLive: false, sessionsLost: 0 }],
      errors: [],
      probes: [],
    });
  });

  it('rollback: { path, targets: [ { target, from, live, action, versions, sessionsLost, warnings } ] }', async () => {
    const document = jsonOf<Json>(await cli(['rollback', '--path', '/j', '--json']));
    expect(keys(document)).toEqual(sorted('path', 'targets', 'probes'));
    expect(document.path).toBe('/j');
    const target = onlyTarget(
      document,
      sorted('target', 'from', 'live', 'action', 'versions', 'sessionsLost', 'warnings'),
    );
    expect(target).toEqual({
      target: fixture.tomcat.managerUrl,
      from: '003',
      live: '001',
      versions: ['003'],
      sessionsLost: 0,
      action: 'undeployed',
      warnings: [],
    });
  });

  it('rollback --stop --json carries the restart warning as data', async () => {
    // The counter follows the greatest version on the server (001 now), so this is 002 again.
    const { version } = jsonOf<{ version: string }>(
      await cli(['deploy', await war('j4'), '--path', '/j', '--json']),
    );
    const result = await cli(['rollback', '--path', '/j', '--stop', '--json']);
    const document = jsonOf<Json>(result);
    const [target] = document.targets as Json[];
    expect(target).toMatchObject({ from: version, live: '001', versions: [version], action: 'stopped' });
    expect((target?.warnings as string[]).join(' ')).toMatch(/restart/i);
    // Warnings for people go to stderr; stdout stays the one document.
    expect(result.stderr).toMatch(/restart/i);
    const status = jsonOf<{ apps: Json[] }>(await cli(['status', '--path', '/j', '--json']));
    const versions = status.apps[0]?.versions as Json[];
    expect(versions.find((v) => v.version === version)).toMatchObject({ state: 'stopped' });
  });
});

describe('--json errors: stdout is { "error": { name, code, message, hint?, ... } }', () => {
  it('a refusal by a safety rule (exit 3)', async () => {
    // Only 001 of /j runs: a rollback has nothing to fall back to, on any target.
    const result = await cli(['rollback', '--path', '/j', '--json']);
    const { error } = jsonOf<{ error: Json }>(result, 3);
    expect(error).toMatchObject({
      code: 'E_UNSAFE',
      name: expect.any(String),
      message: expect.stringContaining('no older version'),
    });
    expect(error.hint).toBeTypeOf('string');
  });

  it('a per-target refusal is in the report, and decides the exit code (exit 3)', async () => {
    const result = await cli(['undeploy', '--path', '/j', '--version', '001', '--json']);
    const document = jsonOf<{ targets: Json[]; errors: { target: string; error: Json }[] }>(result, 3);
    expect(document.targets).toEqual([]);
    expect(document.errors).toHaveLength(1);
    expect(document.errors[0]?.error).toMatchObject({
      code: 'E_UNSAFE',
      message: expect.stringContaining('001'),
    });
    expect(document.errors[0]?.error.hint).toBeTypeOf('string');
  });

  it('a bad input (exit 2)', async () => {
    const result = await runCli(
      ['--json', 'deploy', '/no/such.war', '--path', '/x', '--url', CLOSED_URL, '--user', 'u'],
      {
        env: { TOMCAT_PD_PASSWORD: 'pw' },
      },
    );
    const { error } = jsonOf<{ error: Json }>(result, 2);
    expect(error).toMatchObject({
      code: 'E_USAGE',
      name: expect.any(String),
      message: expect.stringContaining('/no/such.war'),
    });
    // The usage text is for people: on stderr, not inside the JSON.
    expect(result.stdout).not.toContain('Usage:');
  });

  // A target that cannot be reached is part of the report of a command that works on every
  // target (a --url is a set of one): in `errors`, and the exit code is its.
  it('a connection failure of status (exit 4): the report, with the target in errors', async () => {
    const result = await runCli(['status', '--json', '--retries', '0', '--url', CLOSED_URL, '--user', 'u'], {
      env: { TOMCAT_PD_PASSWORD: 'pw' },
    });
    const document = jsonOf<{ apps: Json[]; errors: Json[] }>(result, 4);
    expect(document.apps).toEqual([]);
    expect(document.errors).toHaveLength(1);
    expect(keys(document.errors[0])).toEqual(['error', 'target']);
    expect(document.errors[0]).toMatchObject({
      target: CLOSED_URL,
      error: { code: 'E_CONNECT', message: expect.stringContaining('127.0.0.1:1') },
    });
    // The error for people is on stderr.
    expect(result.stderr).toMatch(/^error: Cannot reach/m);
  });

  // "Any error with --json": a script that parses stdout must not get an empty stdout because
  // the parser, not the tool, found the mistake.
  it('a parse error of the command line (exit 2)', async () => {
    const result = await runCli(['--json', 'status', '--bogus']);
    const { error } = jsonOf<{ error: Json }>(result, 2);
    expect(error).toMatchObject({
      code: 'E_USAGE',
      name: expect.any(String),
      message: expect.stringContaining('--bogus'),
    });
  });

  it('--verbose with --json: the debug lines go to stderr, stdout is still one document', async () => {
    const result = await cli(['status', '--json', '--verbose']);
    expect(jsonOf<Json>(result)).toHaveProperty('apps');
    expect(result.stderr).toMatch(/debug: /);
  });
});
