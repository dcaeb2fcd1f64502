import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_URL, cliAgainst, expectExit, jsonOf, runCli } from './cli-helpers.js';
import { buildCheckWar, FINDING_WARS } from '@tomcat-pd/testkit/check-wars';
import { buildCorruptWar } from '@tomcat-pd/testkit/test-war';
import { useTomcat } from './support.js';

// Issue 13, item 1, through the built CLI: `check <war>` and the check every deploy runs first,
// against a real Tomcat 10.1. Errors refuse the deploy before any request (shown with a Manager
// URL where nothing listens: a request would end in exit 4, the refusal is exit 3); warnings are
// printed once and the deploy goes on; --no-check deploys what the check would refuse.

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);
let clean: string;
let listener: string;
let contextPathWar: string;
let serverSocket: string;

beforeAll(async () => {
  [clean, listener, contextPathWar, serverSocket] = await Promise.all([
    buildCheckWar(fixture.warDir, 'clean.war'),
    buildCheckWar(fixture.warDir, 'listener.war', FINDING_WARS['session-tracking']),
    buildCheckWar(fixture.warDir, 'context-path.war', FINDING_WARS['context-path']),
    // A class that would open a server socket, never loaded by this app's pages: it starts.
    buildCheckWar(fixture.warDir, 'server-socket.war', { classes: ['com/acme/shop/AdminConsole.java'] }),
  ]);
});

interface CheckDocument {
  contextPath: string;
  findings: { id: string; severity: string; locations: { file: string }[] }[];
  advice: { id: string }[];
  counts: { error: number; warning: number };
}

describe('tomcat-pd check', () => {
  it('a clean WAR: no errors, no warnings, the two pieces of advice; exit 0; no Tomcat needed', async () => {
    const text = expectExit(await runCli(['check', clean, '--path', '/shop']), 0);
    expect(text.stdout).toMatch(/^.*clean\.war as \/shop: no errors, no warnings$/m);
    expect(text.stdout).toMatch(/^Cannot be checked, mind it yourself:$/m);
    const document = jsonOf<CheckDocument>(await runCli(['check', clean, '--json']));
    expect(document).toMatchObject({ contextPath: '/clean', findings: [], counts: { error: 0, warning: 0 } });
    expect(document.advice.map((advice) => advice.id)).toEqual(['in-process-cache', 'shared-disk-files']);
  });

  it('an error: exit 3, the finding with where, why and fix; the JSON is still the report', async () => {
    const text = expectExit(await runCli(['check', listener]), 3);
    expect(text.stdout).toMatch(/^error {4}session-tracking: .*\(WEB-INF\/web\.xml:\d+\)$/m);
    expect(text.stdout).toMatch(/^ {9}why: /m);
    expect(text.stdout).toMatch(/^ {9}fix: /m);
    expect(text.stderr).toMatch(
      /^error: .*listener\.war has an error: a second version beside another could not work\.$/m,
    );
    const document = jsonOf<CheckDocument>(await runCli(['check', listener, '--json']), 3);
    expect(document.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['session-tracking', 'error'],
    ]);
  });

  it('a warning only: exit 0', async () => {
    const result = expectExit(await runCli(['check', contextPathWar]), 0);
    expect(result.stdout).toMatch(/: 1 warning$/m);
    expect(result.stdout).toMatch(/^warning {2}context-path: /m);
  });

  it('a WAR too broken to read: a usage error, exit 2', async () => {
    const broken = await buildCorruptWar(fixture.warDir);
    const result = expectExit(await runCli(['check', broken]), 2);
    expect(result.stderr).toMatch(/^error: .*not a WAR|^error: .*damaged zip/m);
  });
});

describe('deploy runs the check first', () => {
  it('errors refuse the WAR before any request: exit 3 against a Manager where nothing listens', async () => {
    const result = await runCli(
      ['deploy', listener, '--path', '/shop', '--url', CLOSED_URL, '--user', 'deployer', '--json'],
      { env: { TOMCAT_PD_PASSWORD: 'unused' } },
    );
    const document = jsonOf<{
      error: { name: string; code: string; rule: string; findings: { id: string }[]; hint: string };
    }>(result, 3);
    expect(document.error).toMatchObject({ name: 'WarCheckError', code: 'E_UNSAFE', rule: 'war-check' });
    expect(document.error.findings.map((finding) => finding.id)).toEqual(['session-tracking']);
    expect(document.error.hint).toMatch(/--no-check/);
  });

  it('warnings are printed once, whatever the number of targets, and the deploy goes on', async () => {
    const { tomcat } = fixture;
    const single = await cli(['deploy', contextPathWar, '--path', '/checked', '--json']);
    const document = jsonOf<{ version: string; check: { findings: { id: string }[] } }>(single);
    expect(document.version).toBe('001');
    expect(document.check.findings.map((finding) => finding.id)).toEqual(['context-path']);
    expect(single.stderr.match(/^warning: /gm)).toHaveLength(1);
    // Two targets, the second unreachable: one warning before the deploy fails there (exit 4).
    const config = join(fixture.warDir, 'two.json');
    await writeFile(
      config,
      JSON.stringify({
        targets: [
          { name: 'real', url: tomcat.managerUrl, user: tomcat.user, passwordEnv: 'REAL_PASSWORD' },
          { name: 'gone', url: CLOSED_URL, user: 'deployer', passwordEnv: 'REAL_PASSWORD' },
        ],
      }),
    );
    const fleet = await runCli(
      ['--config', config, '--retries', '0', 'deploy', contextPathWar, '--path', '/checked'],
      {
        env: { REAL_PASSWORD: tomcat.password },
      },
    );
    expect(fleet.code).toBe(4);
    expect(fleet.stderr.match(/^warning: .*context-path|^warning: /gm)).toHaveLength(1);
  });

  it('--no-check deploys what the check would refuse; the document says no check ran', async () => {
    expectExit(await cli(['deploy', serverSocket, '--path', '/unchecked']), 3);
    const document = jsonOf<{ version: string; check: null }>(
      await cli(['deploy', serverSocket, '--path', '/unchecked', '--no-check', '--json']),
    );
    expect(document).toMatchObject({ version: '001', check: null });
    const status = jsonOf<{ apps: { path: string; live: string }[] }>(
      await cli(['status', '--path', '/unchecked', '--json']),
    );
    expect(status.apps[0]?.live).toBe('001');
  });
});
