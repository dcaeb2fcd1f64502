import { afterEach, describe, expect, it, vi } from 'vitest';
import { statusDocument, renderStatus } from '../../src/render/status.js';
import { fakeContext, sgr } from '../helpers/fake-context.js';
import { statusEmpty, statusWeb1, statusWeb2, targetErrors, tomcatFailError } from '../helpers/reports.js';
import { pretty } from '../helpers/documents.js';

const lines = (...rows: string[]) => rows.join('\n');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('statusDocument', () => {
  it('is one entry per app and target, versions without their path, live null when nothing runs', async () => {
    const document = statusDocument([statusWeb1(), statusWeb2(), statusEmpty()], targetErrors());
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/status.fleet.json');
    // Beside the snapshot, what the title says: no version repeats its path; nothing runs, live null.
    expect(document.apps.flatMap((app) => app.versions).some((version) => 'path' in version)).toBe(false);
    expect(document.apps.find((app) => app.target === 'web2' && app.path === '/shop')?.live).toBeNull();
  });

  it('keeps `live: null` in the JSON text (not dropped as undefined)', () => {
    const text = JSON.stringify(statusDocument([statusWeb2()], []));
    expect(text).toContain('"path":"/shop","live":null,');
  });

  it('is empty lists when no target has an app and none failed', () => {
    expect(statusDocument([statusEmpty('web1')], [])).toEqual({ apps: [], errors: [] });
  });

  it('has no apps when every target failed', async () => {
    const document = statusDocument([], [{ target: 'web4', error: tomcatFailError() }]);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/status.every-target-failed.json');
    expect(document.apps).toEqual([]);
  });
});

describe('renderStatus', () => {
  it('one target: its name, then the table', () => {
    const { context } = fakeContext();
    expect(renderStatus([statusWeb1()], false, context.output.colors, undefined)).toBe(
      lines(
        'web1',
        'APP    VERSION        STATE    SESSIONS  ROLE',
        '/      (unversioned)  running  4         live',
        '/shop  002            stopped  0         stopped',
        '/shop  003            running  2         draining',
        '/shop  004            running  12        live',
      ),
    );
  });

  it('several targets: one table with a TARGET column, then a line for a target with no app', () => {
    const { context } = fakeContext();
    expect(
      renderStatus([statusWeb1(), statusWeb2(), statusEmpty()], true, context.output.colors, undefined),
    ).toBe(
      lines(
        'TARGET  APP    VERSION        STATE    SESSIONS  ROLE',
        'web1    /      (unversioned)  running  4         live',
        'web1    /shop  002            stopped  0         stopped',
        'web1    /shop  003            running  2         draining',
        'web1    /shop  004            running  12        live',
        'web2    /api   (unversioned)  running  0         drained',
        'web2    /api   002            running  1         live',
        'web2    /shop  004            stopped  0         stopped',
        '',
        'web3: no application is deployed.',
      ),
    );
  });

  it('one target with no app: a sentence, naming the path when one was asked for', () => {
    const { context } = fakeContext();
    expect(renderStatus([statusEmpty('web1')], false, context.output.colors, undefined)).toBe(
      'No application is deployed on web1.',
    );
    expect(renderStatus([statusEmpty('web1')], false, context.output.colors, '/shop')).toBe(
      'No version of /shop is deployed on web1.',
    );
  });

  it('several targets with no app: only their lines, no table', () => {
    const { context } = fakeContext();
    expect(
      renderStatus([statusEmpty('web1'), statusEmpty('web3')], true, context.output.colors, '/shop'),
    ).toBe(lines('web1: no version of /shop is deployed.', 'web3: no version of /shop is deployed.'));
  });

  it('several targets of which none answered: nothing (the errors are said elsewhere)', () => {
    const { context } = fakeContext();
    expect(renderStatus([], true, context.output.colors, undefined)).toBe('');
  });

  it('paints the roles when the output has colours', () => {
    vi.stubEnv('NO_COLOR', '');
    const { context } = fakeContext({}, true);
    const text = renderStatus([statusWeb1()], false, context.output.colors, undefined);
    expect(text).toContain(sgr(32, 39, 'live'));
    expect(text).toContain(sgr(33, 39, 'draining'));
    expect(text).toContain(sgr(31, 39, 'stopped'));
    // Only the role is painted: the state `stopped` stays plain.
    expect(text).toContain(`/shop  002            stopped  0         ${sgr(31, 39, 'stopped')}`);
  });
});
