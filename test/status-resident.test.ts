import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAgainst, expectExit, jsonOf } from './cli-helpers.js';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { useTomcat } from './support.js';

// Issue 13, item 3: `status` warns over --max-resident versions of one app, and `status --metrics`
// shows the JVM's Metaspace with a warning over 80% of its limit. The fixture's Tomcat has no
// Metaspace limit (the JVM's default); `small` is started with -XX:MaxMetaspaceSize=15m, which an
// idle Tomcat 10.1 with its Manager already fills to ~83% (13 MB, measured).

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);
let small: LocalTomcatInstance;
const cliSmall = cliAgainst(() => small);

beforeAll(async () => {
  small = await startLocalTomcat({ line: '10.1', javaOptions: ['-XX:MaxMetaspaceSize=15m'] });
  for (const label of ['one', 'two', 'three']) {
    const war = await buildTestWar(fixture.warDir, { label, fileName: `res-${label}.war` });
    expectExit(await cli(['deploy', war, '--path', '/res', '--quiet']), 0);
  }
});
afterAll(() => small?.stop());

interface Warning {
  kind: string;
  target: string;
  path?: string;
  versions?: number;
  max?: number;
  share?: number;
}

describe('status --max-resident', () => {
  it('three versions and --max-resident 2: one warning naming the app, on stderr and in the JSON; exit 0', async () => {
    const text = expectExit(await cli(['status', '--max-resident', '2']), 0);
    expect(text.stderr).toMatch(
      /^warning: .*\/res has 3 versions resident \(more than 2\).*tomcat-pd drain --path \/res$/m,
    );
    const document = jsonOf<{ warnings: Warning[] }>(await cli(['status', '--max-resident', '2', '--json']));
    expect(document.warnings).toEqual([
      { kind: 'resident-versions', target: fixture.tomcat.managerUrl, path: '/res', versions: 3, max: 2 },
    ]);
  });

  it('the default of 5: no warning for three versions', async () => {
    const result = expectExit(await cli(['status']), 0);
    expect(result.stderr).toBe('');
    expect(jsonOf<{ warnings: Warning[] }>(await cli(['status', '--json'])).warnings).toEqual([]);
  });

  it('--max-resident 0 or a word is a usage error, exit 2', async () => {
    for (const value of ['0', 'many']) {
      const result = expectExit(await cli(['status', '--max-resident', value]), 2);
      expect(result.stderr).toMatch(/--max-resident takes a whole number of at least 1/);
    }
  });
});

describe('status --metrics: Metaspace', () => {
  it('without a limit: used bytes, no share and no warning; the text says "no limit"', async () => {
    const document = jsonOf<{
      targets: { metaspace: { usedBytes: number; maxBytes: number | null; share: number | null } }[];
      warnings: Warning[];
    }>(await cli(['status', '--metrics', '--json']));
    expect(document.targets[0]?.metaspace).toMatchObject({ maxBytes: null, share: null });
    expect(document.targets[0]?.metaspace.usedBytes).toBeGreaterThan(5_000_000);
    expect(document.warnings.filter((w) => w.kind === 'metaspace')).toEqual([]);
    expect(expectExit(await cli(['status', '--metrics']), 0).stdout).toMatch(
      /: Metaspace \d+ MiB \(no limit\)$/m,
    );
  });

  it('over 80% of -XX:MaxMetaspaceSize: the share, and a warning that names the leak check', async () => {
    const document = jsonOf<{
      targets: { metaspace: { usedBytes: number; maxBytes: number; share: number } }[];
      warnings: Warning[];
    }>(await cliSmall(['status', '--metrics', '--json']));
    const metaspace = document.targets[0]?.metaspace;
    expect(metaspace?.maxBytes).toBe(15 * 1024 * 1024);
    expect(metaspace?.share).toBeCloseTo((metaspace?.usedBytes ?? 0) / 15 / 1024 / 1024, 5);
    expect(metaspace?.share).toBeGreaterThan(0.8);
    expect(document.warnings).toEqual([
      {
        kind: 'metaspace',
        target: small.managerUrl,
        usedBytes: metaspace?.usedBytes,
        maxBytes: 15 * 1024 * 1024,
        share: metaspace?.share,
      },
    ]);
    const text = expectExit(await cliSmall(['status', '--metrics']), 0);
    expect(text.stdout).toMatch(/: Metaspace \d+ MiB of 15 MiB \(\d+%\)$/m);
    expect(text.stderr).toMatch(/^warning: .*Metaspace is \d+% full .*warning over 80%.*--check-leaks/m);
  });
});
