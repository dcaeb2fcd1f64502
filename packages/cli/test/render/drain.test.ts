import { afterEach, describe, expect, it, vi } from 'vitest';
import pc from 'picocolors';
import { ErrorCode, TomcatPdError, type DrainCycle, type DrainReport } from '@tomcat-pd/core';
import {
  cycleDocument,
  describePending,
  drainDocument,
  drainWaitDocument,
  renderDrainReport,
  summarizeCycle,
  summarizeDrain,
} from '../../src/render/drain.js';
import { sgr } from '../helpers/fake-context.js';
import { drainDryRun, drainEmpty, drainWeb1, drainWeb2, targetErrors } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

const plain = pc.createColors(false);
const lines = (...rows: string[]) => rows.join('\n');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('drainDocument', () => {
  it("a one-shot drain's document lists the targets that could not be drained in `errors`", async () => {
    const document = drainDocument([drainWeb1()], false, targetErrors());
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/drain.web1-with-errors.json');
    expect(drainDocument([drainWeb1()], false, [])).toMatchObject({ errors: [] });
    expect(Object.keys(drainDocument([drainWeb1()], false))).not.toContain('errors');
  });

  it('is one entry per app and target, `detail` only where there is one, the counts summed', async () => {
    const document = drainDocument([drainWeb1(), drainWeb2(), drainEmpty()], false);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/drain.fleet.json');
  });

  it('writes `live: null` for an app where nothing runs, and no `detail` key where there is none', () => {
    const text = JSON.stringify(drainDocument([drainWeb2()], false));
    expect(text).toContain('"path":"/legacy","live":null,');
    const document = drainDocument([drainWeb1()], false);
    expect(Object.keys(document.apps[1]!.versions[0]!)).toEqual([
      'version',
      'state',
      'role',
      'sessions',
      'action',
      'reason',
      'outcome',
    ]);
  });

  it('a dry run: the flag as given, `planned` outcomes, nothing undeployed', async () => {
    const document = drainDocument([drainDryRun()], true);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/drain.dry-run.json');
    expect(document).toMatchObject({ dryRun: true, undeployed: 0, failed: 0 });
    expect(document.apps[0]?.versions.map((version) => version.outcome)).toEqual([
      'planned',
      'planned',
      'kept',
      'kept',
    ]);
  });

  it('takes dryRun from its argument, not from the reports; no report: empty and zero', () => {
    expect(drainDocument([], true)).toEqual({ dryRun: true, apps: [], undeployed: 0, failed: 0, probes: [] });
    expect(drainDocument([drainEmpty('web1', true)], false)).toEqual({
      dryRun: false,
      apps: [],
      undeployed: 0,
      failed: 0,
      probes: [],
    });
  });

  it('leaves out what a version report has besides (only the documented fields)', () => {
    const report = drainWeb1();
    Object.assign(report.apps[0]!.versions[0]!, { path: '/', extra: 1 });
    expect(drainDocument([report], false).apps[0]!.versions[0]).toEqual(
      drainDocument([drainWeb1()], false).apps[0]!.versions[0],
    );
  });
});

describe('drainWaitDocument', () => {
  const done = (report: DrainReport, complete: boolean) => ({ ...report, complete, waitedMs: 1 });

  it('is complete only when every target is and none failed; waitedMs is the whole wait', async () => {
    const document = drainWaitDocument([done(drainWeb1(), true), done(drainWeb2(), true)], [], 4_321);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/drain.wait.json');
    expect(drainWaitDocument([done(drainWeb1(), true), done(drainWeb2(), false)], [], 5)).toMatchObject({
      complete: false,
    });
    expect(drainWaitDocument([done(drainWeb1(), true)], targetErrors(), 5)).toMatchObject({
      complete: false,
      errors: drainDocument([drainWeb1()], false, targetErrors()).errors,
    });
  });
});

describe('cycleDocument', () => {
  it('a cycle with a report: the target, the cycle, when it started, and the report as a drain document', async () => {
    const cycle: DrainCycle = {
      target: 'web2',
      cycle: 2,
      startedAt: '2026-03-14T12:00:05.000Z',
      report: drainWeb2(),
    };
    await expect(pretty(cycleDocument(cycle))).toMatchFileSnapshot('__snapshots__/drain.cycle.json');
    expect(cycleDocument(cycle).report).toEqual(drainDocument([drainWeb2()], false));
  });

  it("the report's dryRun comes from the cycle's report", () => {
    const document = cycleDocument({
      target: 'web1',
      cycle: 1,
      startedAt: '2026-03-14T12:00:00.000Z',
      report: drainEmpty('web1', true),
    });
    expect(document).toEqual({
      target: 'web1',
      cycle: 1,
      startedAt: '2026-03-14T12:00:00.000Z',
      report: { dryRun: true, apps: [], undeployed: 0, failed: 0, probes: [] },
    });
  });

  it('a failed cycle: `error` instead of `report` (no `report` key at all)', () => {
    const cycle: DrainCycle = {
      target: 'web1',
      cycle: 3,
      startedAt: '2026-03-14T12:01:05.000Z',
      error: new TomcatPdError(
        ErrorCode.connect,
        'Cannot reach the Manager at http://web1:8080/manager (list): the connection was reset.',
      ),
    };
    const document = cycleDocument(cycle);
    expect(document).toEqual({
      target: 'web1',
      cycle: 3,
      startedAt: '2026-03-14T12:01:05.000Z',
      error: {
        code: 'E_CONNECT',
        message: 'Cannot reach the Manager at http://web1:8080/manager (list): the connection was reset.',
      },
    });
    expect(Object.keys(document)).toEqual(['target', 'cycle', 'startedAt', 'error']);
  });
});

describe('renderDrainReport', () => {
  it('one target: its name, the table (reason; detail), then the summary line', () => {
    expect(renderDrainReport([drainWeb1()], false, plain)).toBe(
      lines(
        'web1',
        'APP    VERSION        SESSIONS  ROLE      ACTION    OUTCOME     REASON',
        '/      (unversioned)  4         live      keep      kept        live',
        '/shop  001            0         stopped   undeploy  undeployed  stopped, older than the live version',
        '/shop  002            0         drained   undeploy  failed      drained: no sessions; Tomcat refused undeploy: Unable to delete [/opt/tomcat/webapps/shop##002]',
        '/shop  003            0         drained   undeploy  waiting     drained: no sessions; drained; waiting 7 s more of the grace period',
        '/shop  004            3         draining  keep      kept        draining: 3 sessions',
        '/shop  005            9         live      keep      kept        live',
        '/shop  006            0         stopped   keep      kept        stopped and newer than the live version: kept for a roll-forward (undeploy it explicitly)',
        '',
        'Undeployed 1 version; 1 failed; 1 waiting for the grace period.',
      ),
    );
  });

  it('a dry run of one target, with a path: the same shape, and the dry-run summary', () => {
    expect(renderDrainReport([drainDryRun()], false, plain, '/shop')).toBe(
      lines(
        'web1',
        'APP    VERSION  SESSIONS  ROLE      ACTION    OUTCOME  REASON',
        '/shop  001      0         stopped   undeploy  planned  stopped, older than the live version',
        '/shop  003      0         drained   undeploy  planned  drained: no sessions',
        '/shop  004      3         draining  keep      kept     draining: 3 sessions',
        '/shop  005      9         live      keep      kept     live',
        '',
        'Dry run: 2 versions would be undeployed.',
      ),
    );
  });

  it('several targets: one table with a TARGET column, a line for a target with no app, the summary', () => {
    expect(renderDrainReport([drainWeb1(), drainWeb2(), drainEmpty()], true, plain)).toBe(
      lines(
        'TARGET  APP      VERSION        SESSIONS  ROLE      ACTION                OUTCOME     REASON',
        'web1    /        (unversioned)  4         live      keep                  kept        live',
        'web1    /shop    001            0         stopped   undeploy              undeployed  stopped, older than the live version',
        'web1    /shop    002            0         drained   undeploy              failed      drained: no sessions; Tomcat refused undeploy: Unable to delete [/opt/tomcat/webapps/shop##002]',
        'web1    /shop    003            0         drained   undeploy              waiting     drained: no sessions; drained; waiting 7 s more of the grace period',
        'web1    /shop    004            3         draining  keep                  kept        draining: 3 sessions',
        'web1    /shop    005            9         live      keep                  kept        live',
        'web1    /shop    006            0         stopped   keep                  kept        stopped and newer than the live version: kept for a roll-forward (undeploy it explicitly)',
        'web2    /legacy  001            0         stopped   keep                  kept        no version of this app runs, so none is drained',
        'web2    /shop    002            2         draining  expire-then-undeploy  undeployed  2 sessions: expire those idle for 30+ minutes, then undeploy if none is left; 2 idle sessions expired',
        'web2    /shop    003            0         drained   undeploy              skipped     drained: no sessions; on re-check: draining: 1 session',
        'web2    /shop    004            0         drained   keep                  kept        kept for rollback (keep 1)',
        'web2    /shop    005            2         live      keep                  kept        live',
        '',
        'web3: no application is deployed.',
        '',
        'Undeployed 2 versions; 1 failed; 1 waiting for the grace period; 1 skipped on re-check.',
      ),
    );
  });

  it('one target with no app: only the sentence (no summary), naming the path when one was given', () => {
    expect(renderDrainReport([drainEmpty('web1')], false, plain)).toBe('No application is deployed on web1.');
    expect(renderDrainReport([drainEmpty('web1')], false, plain, '/shop')).toBe(
      'No version of /shop is deployed on web1.',
    );
  });

  it('several targets with no app: their lines and the summary, no table', () => {
    expect(renderDrainReport([drainEmpty('web1'), drainEmpty('web3')], true, plain, '/shop')).toBe(
      lines(
        'web1: no version of /shop is deployed.',
        'web3: no version of /shop is deployed.',
        '',
        'Undeployed 0 versions.',
      ),
    );
    expect(renderDrainReport([drainEmpty('web1', true), drainEmpty('web3', true)], true, plain)).toBe(
      lines(
        'web1: no application is deployed.',
        'web3: no application is deployed.',
        '',
        'Dry run: 0 versions would be undeployed.',
      ),
    );
  });

  it('several targets of which none answered: nothing', () => {
    expect(renderDrainReport([], true, plain)).toBe('');
  });

  it('paints role and outcome when colours are on', () => {
    const text = renderDrainReport([drainWeb1(), drainWeb2()], true, pc.createColors(true));
    expect(text).toContain(sgr(32, 39, 'undeployed'));
    expect(text).toContain(sgr(31, 39, 'failed'));
    expect(text).toContain(sgr(33, 39, 'waiting'));
    expect(text).toContain(sgr(33, 39, 'skipped'));
    expect(text).toContain(sgr(2, 22, 'kept'));
    expect(text).toContain(sgr(33, 39, 'draining'));
    expect(text).toContain(sgr(2, 22, 'drained'));
    expect(renderDrainReport([drainDryRun()], false, pc.createColors(true))).toContain(
      sgr(36, 39, 'planned'),
    );
  });
});

describe('summarizeDrain', () => {
  it('one target: what was undeployed, failed and is waiting', () => {
    expect(summarizeDrain([drainWeb1()])).toBe(
      'Undeployed 1 version; 1 failed; 1 waiting for the grace period.',
    );
  });

  it('several targets: summed, with the versions skipped on re-check', () => {
    expect(summarizeDrain([drainWeb1(), drainWeb2(), drainEmpty()])).toBe(
      'Undeployed 2 versions; 1 failed; 1 waiting for the grace period; 1 skipped on re-check.',
    );
    expect(summarizeDrain([drainWeb2()])).toBe('Undeployed 1 version; 1 skipped on re-check.');
  });

  it('nothing to do: zero versions; no report at all: the same', () => {
    expect(summarizeDrain([drainEmpty()])).toBe('Undeployed 0 versions.');
    expect(summarizeDrain([])).toBe('Undeployed 0 versions.');
  });

  it('counts undeployed and failed from the report counters, the others from the outcomes', () => {
    const report: DrainReport = { ...drainEmpty('web1'), undeployed: 3, failed: 2 };
    expect(summarizeDrain([report])).toBe('Undeployed 3 versions; 2 failed.');
  });

  it('a dry run: the planned versions, singular or plural; any dry report makes it a dry run', () => {
    expect(summarizeDrain([drainDryRun()])).toBe('Dry run: 2 versions would be undeployed.');
    expect(summarizeDrain([drainDryRun('web1'), drainDryRun('web2')])).toBe(
      'Dry run: 4 versions would be undeployed.',
    );
    const one = drainDryRun();
    one.apps[0]!.versions.splice(0, 1);
    expect(summarizeDrain([one])).toBe('Dry run: 1 version would be undeployed.');
    expect(summarizeDrain([drainEmpty('web1', true)])).toBe('Dry run: 0 versions would be undeployed.');
    expect(summarizeDrain([drainWeb1(), drainDryRun('web2')])).toBe(
      'Dry run: 2 versions would be undeployed.',
    );
  });
});

describe('summarizeCycle', () => {
  const startedAt = '2026-03-14T12:00:05.000Z';

  it('prints the local time of the start, then what the cycle did', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(summarizeCycle({ target: 'web1', cycle: 1, startedAt, report: drainWeb1() })).toBe(
      '12:00:05 web1: undeployed /shop##001; failed /shop##002; 4 kept; 1 waiting (grace)',
    );
    vi.stubEnv('TZ', 'Asia/Kathmandu');
    expect(summarizeCycle({ target: 'web1', cycle: 1, startedAt, report: drainWeb1() })).toBe(
      '17:45:05 web1: undeployed /shop##001; failed /shop##002; 4 kept; 1 waiting (grace)',
    );
  });

  it('adds when each version that waits for its sessions is empty (drain --wait)', () => {
    vi.stubEnv('TZ', 'UTC');
    const etas = [
      { path: '/shop', version: '003', eta: { kind: 'by', inMs: 31 * 60_000 } } as const,
      { path: '/', version: '', eta: { kind: 'never' } } as const,
    ];
    expect(summarizeCycle({ target: 'web2', cycle: 4, startedAt, report: drainWeb2(), etas })).toBe(
      '12:00:05 web2: undeployed /shop##002; 3 kept; 1 skipped (re-check); /shop##003 empty by 12:31Z (in 31m); /##(unversioned) has no session timeout: it never empties by itself',
    );
  });

  it('names every undeployed version; counts kept and skipped ones', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(summarizeCycle({ target: 'web2', cycle: 4, startedAt, report: drainWeb2() })).toBe(
      '12:00:05 web2: undeployed /shop##002; 3 kept; 1 skipped (re-check)',
    );
    const both = drainWeb2();
    both.apps[0]!.versions[0]!.outcome = 'undeployed';
    expect(summarizeCycle({ target: 'web2', cycle: 4, startedAt, report: both })).toBe(
      '12:00:05 web2: undeployed /legacy##001, /shop##002; 2 kept; 1 skipped (re-check)',
    );
  });

  it('nothing undeployed, or a dry run: says so, with the kept count (also 0)', () => {
    vi.stubEnv('TZ', 'UTC');
    expect(summarizeCycle({ target: 'web1', cycle: 2, startedAt, report: drainEmpty('web1') })).toBe(
      '12:00:05 web1: nothing undeployed; 0 kept',
    );
    expect(summarizeCycle({ target: 'web1', cycle: 2, startedAt, report: drainDryRun() })).toBe(
      '12:00:05 web1: dry run; 2 kept',
    );
  });

  it('names an unversioned or ROOT version by path##version as it is (no `(unversioned)`)', () => {
    vi.stubEnv('TZ', 'UTC');
    const report = drainWeb1();
    report.apps[0]!.versions[0]!.outcome = 'undeployed';
    expect(summarizeCycle({ target: 'web1', cycle: 1, startedAt, report })).toBe(
      '12:00:05 web1: undeployed /##, /shop##001; failed /shop##002; 3 kept; 1 waiting (grace)',
    );
  });

  it('a failed cycle: its number, code and message', () => {
    vi.stubEnv('TZ', 'UTC');
    const cycle: DrainCycle = {
      target: 'web1',
      cycle: 3,
      startedAt,
      error: new TomcatPdError(
        ErrorCode.connect,
        'Cannot reach the Manager at http://web1:8080/manager (list): the connection was reset.',
      ),
    };
    expect(summarizeCycle(cycle)).toBe(
      '12:00:05 web1: cycle 3 failed (E_CONNECT): Cannot reach the Manager at http://web1:8080/manager (list): the connection was reset.',
    );
  });
});

describe('describePending', () => {
  it('failed and waiting versions with their detail, a draining one with its reason', () => {
    expect(describePending(drainWeb1())).toBe(
      '/shop##002 (Tomcat refused undeploy: Unable to delete [/opt/tomcat/webapps/shop##002]), ' +
        '/shop##003 (drained; waiting 7 s more of the grace period), ' +
        '/shop##004 (draining: 3 sessions)',
    );
  });

  it('a skipped version with its detail; not the live one, a rollback target or a roll-forward one', () => {
    expect(describePending(drainWeb2())).toBe('/shop##003 (on re-check: draining: 1 session)');
  });

  it('planned versions with their reason; an unversioned one as `(unversioned)`', () => {
    expect(describePending(drainDryRun())).toBe(
      '/shop##001 (stopped, older than the live version), /shop##003 (drained: no sessions), /shop##004 (draining: 3 sessions)',
    );
    const report = drainWeb1();
    const root = report.apps[0]!.versions[0]!;
    Object.assign(root, {
      role: 'drained',
      action: 'undeploy',
      reason: 'drained: no sessions',
      outcome: 'failed',
    });
    expect(describePending({ ...report, apps: [report.apps[0]!] })).toBe(
      '/##(unversioned) (drained: no sessions)',
    );
  });

  it('a kept draining version shows its reason even with a detail; nothing pending: empty', () => {
    const report = drainWeb1();
    report.apps[1]!.versions[3]!.detail = 'ignored';
    expect(describePending({ ...report, apps: [report.apps[1]!] })).toBe(
      '/shop##002 (Tomcat refused undeploy: Unable to delete [/opt/tomcat/webapps/shop##002]), ' +
        '/shop##003 (drained; waiting 7 s more of the grace period), ' +
        '/shop##004 (draining: 3 sessions)',
    );
    expect(describePending(drainEmpty())).toBe('');
  });
});
