import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionsReport } from '@tomcat-pd/core';
import { renderSessions, sessionsDocument } from '../../src/render/sessions.js';
import { fakeContext, sgr } from '../helpers/fake-context.js';
import { connectError, sessionsWeb1, sessionsWeb2, targetErrors } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

const lines = (...rows: string[]) => rows.join('\n');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('sessionsDocument', () => {
  it('is one flat entry per version and target, every bucket (also empty ones), and the errors', async () => {
    const document = sessionsDocument([sessionsWeb1(), sessionsWeb2()], targetErrors());
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/sessions.fleet.json');
    // An empty bucket between two full ones is kept.
    expect(document.versions[1]?.buckets.map((bucket) => bucket.count)).toEqual([1, 0, 2, 4]);
  });

  it('leaves out what a session answer has besides (the `expired` count of an expire)', () => {
    const report = sessionsWeb2();
    report.versions[0]!.sessions.expired = 2;
    expect(sessionsDocument([report], []).versions[0]).not.toHaveProperty('expired');
  });

  it('keeps `toMinutes: null` of an open-ended bucket in the JSON text', () => {
    expect(JSON.stringify(sessionsDocument([sessionsWeb2()], []))).toContain('"toMinutes":null');
  });

  it('has no versions when the one target failed', async () => {
    const document = sessionsDocument([], [{ target: 'web1', error: connectError('web1') }]);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/sessions.target-failed.json');
    expect(document.versions).toEqual([]);
  });
});

describe('renderSessions', () => {
  it('one target: its name, then a block per version; an idle table only for versions with sessions', () => {
    const { context } = fakeContext();
    expect(renderSessions([sessionsWeb1()], false, { colors: context.output.colors })).toBe(
      lines(
        'web1',
        '',
        '/shop##002 (drained): no sessions, timeout 30 min',
        '',
        '/shop##003 (draining): 7 sessions, timeout 30 min',
        'IDLE        SESSIONS',
        '<1 min      1',
        '2 - <3 min  2',
        '>=30 min    4',
        '',
        '/shop##004 (live): 1 session, timeout 30 min',
        'IDLE    SESSIONS',
        '<1 min  1',
      ),
    );
  });

  it('on a terminal: every bucket as a bar as long as its share of the fullest, with its count', () => {
    const { context } = fakeContext();
    const text = renderSessions([sessionsWeb1()], false, { colors: context.output.colors, barWidth: 8 });
    expect(text).toContain(
      lines(
        '/shop##003 (draining): 7 sessions, timeout 30 min',
        'IDLE        SESSIONS',
        '<1 min      ██ 1',
        '1 - <2 min  0',
        '2 - <3 min  ████ 2',
        '>=30 min    ████████ 4',
      ),
    );
    // A version without sessions keeps its one line; the numbers stay beside the bars.
    expect(text).toContain('/shop##002 (drained): no sessions, timeout 30 min\n\n');
  });

  it('several targets: the target begins each heading; an unversioned app without a timeout', () => {
    const { context } = fakeContext();
    expect(renderSessions([sessionsWeb1(), sessionsWeb2()], true, { colors: context.output.colors })).toBe(
      lines(
        'web1 /shop##002 (drained): no sessions, timeout 30 min',
        '',
        'web1 /shop##003 (draining): 7 sessions, timeout 30 min',
        'IDLE        SESSIONS',
        '<1 min      1',
        '2 - <3 min  2',
        '>=30 min    4',
        '',
        'web1 /shop##004 (live): 1 session, timeout 30 min',
        'IDLE    SESSIONS',
        '<1 min  1',
        '',
        'web2 /shop (live): 3 sessions, no timeout',
        'IDLE           SESSIONS',
        'unlimited min  3',
      ),
    );
  });

  it('the ROOT app: `/##007`; a target with no version: only its name', () => {
    const { context } = fakeContext();
    const root: SessionsReport = {
      target: 'web1',
      path: '/',
      versions: [
        {
          version: '007',
          role: 'live',
          sessions: { defaultMaxInactiveMinutes: 0, buckets: [], total: 0 },
        },
      ],
    };
    expect(renderSessions([root], false, { colors: context.output.colors })).toBe(
      lines('web1', '', '/##007 (live): no sessions, timeout 0 min'),
    );
    expect(
      renderSessions([{ target: 'web2', path: '/shop', versions: [] }], false, {
        colors: context.output.colors,
      }),
    ).toBe('web2');
    expect(
      renderSessions([{ target: 'web2', path: '/shop', versions: [] }], true, {
        colors: context.output.colors,
      }),
    ).toBe('');
  });

  it('paints the role in the heading when the output has colours', () => {
    vi.stubEnv('NO_COLOR', '');
    const { context } = fakeContext({}, true);
    expect(renderSessions([sessionsWeb2()], true, { colors: context.output.colors })).toContain(
      `web2 /shop (${sgr(32, 39, 'live')}): 3 sessions, no timeout`,
    );
  });
});

describe('the bar width', () => {
  it('on a terminal: a third of its columns, 10 to 40; through a pipe: none (the plain table)', () => {
    const width = (columns: number | undefined, tty: boolean) => {
      const { context, stdout } = fakeContext({}, tty);
      Object.assign(stdout, { columns });
      return context.output.barWidth;
    };
    expect(width(90, true)).toBe(30);
    expect(width(300, true)).toBe(40);
    expect(width(20, true)).toBe(10);
    expect(width(undefined, true)).toBe(26);
    expect(width(90, false)).toBeUndefined();
  });
});
