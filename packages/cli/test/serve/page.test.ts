import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { rolloutRecord } from '../helpers/rollout-record.js';
import { ErrorCode, TomcatPdError, type MetricsReport, type VersionMetrics } from '@tomcat-pd/core';
import { escapeHtml, PAGE_CSP, renderPage, renderView, shortAge } from '../../src/serve/page.js';
import { type FleetSnapshot, type TargetSnapshot } from '@tomcat-pd/core';
import { connectError, statusWeb1, statusWeb2, withoutMetrics } from '../helpers/reports.js';

const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const READ_AT = NOW - 3_000;
const PAGE_AT = NOW - 4_000;

const metrics: VersionMetrics = {
  deployedAt: NOW - 2 * 3_600_000,
  startTime: 'Wed Dec 02 08:00:00 UTC 2026',
  sessionsCreated: 40,
  requests: 200,
  errors: 3,
  errorRate: 0.015,
  averageSessionSeconds: 240,
};

/** web1 of the shared reports, each running version with metrics; 003 draining with an ETA. */
function web1Report(): MetricsReport {
  const report = withoutMetrics(statusWeb1(), PAGE_AT);
  for (const app of report.apps) {
    for (const v of app.versions) {
      if (v.state !== 'running') continue;
      v.metrics =
        v.role === 'draining' ? { ...metrics, drainEta: { kind: 'by', inMs: 31 * 60_000 } } : metrics;
    }
  }
  return {
    ...report,
    metaspace: { name: 'Metaspace', type: 'Non-heap memory', usedBytes: 64 << 20, maxBytes: 256 << 20 },
  };
}

function up(report: MetricsReport, withPage = true): TargetSnapshot {
  return {
    state: 'up',
    target: report.target,
    managerUrl: report.managerUrl,
    readAt: READ_AT,
    durationMs: 12.4,
    report,
    metrics: withPage
      ? { kind: 'status-page', readAt: PAGE_AT }
      : { kind: 'none', reason: new TomcatPdError(ErrorCode.usage, 'web2 has no status page in JSON.') },
  };
}

function down(error: TomcatPdError, target = 'web3', readAgain = true): TargetSnapshot {
  return {
    state: 'down',
    target,
    managerUrl: `http://${target}:8080/manager`,
    readAt: READ_AT,
    durationMs: 2,
    error,
    readAgain,
  };
}

function snapshot(...targets: TargetSnapshot[]): FleetSnapshot {
  return { sequence: 7, intervalMs: 10_000, targets };
}

/** The rows of the page as [class, cells...], tags stripped. */
function rows(html: string): string[][] {
  return [...html.matchAll(/<tr class="([a-z]+)"[^>]*>(.*?)<\/tr>/g)].map(([, role, cells]) => [
    role ?? '',
    ...[...(cells ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      (cell ?? '').replace(/<[^>]+>/g, ''),
    ),
  ]);
}

describe('the page', () => {
  it('every version in Tomcat order with its role, sessions, deployed at, age, errors and drain ETA', () => {
    const html = renderView(snapshot(up(web1Report())), { now: NOW });
    expect(rows(html)).toEqual([
      [
        'live',
        '/',
        '(unversioned)',
        'live',
        'running',
        '4',
        '2026-12-02 08:00Z',
        '2h',
        '40',
        '200',
        '3 (1.5%)',
        '',
      ],
      ['stopped', '/shop', '002', 'stopped', 'stopped', '0', '-', '-', '-', '-', '-', '-'],
      [
        'draining',
        '003',
        'draining',
        'running',
        '2',
        '2026-12-02 08:00Z',
        '2h',
        '40',
        '200',
        '3 (1.5%)',
        '10:30Z (in 31m; sessions last 4m)',
      ],
      ['live', '004', 'live', 'running', '12', '2026-12-02 08:00Z', '2h', '40', '200', '3 (1.5%)', ''],
    ]);
    expect(html).toContain('<tr class="draining" data-app="/shop" data-version="003">');
    // The app's path spans its versions.
    expect(html).toContain('<th scope="rowgroup" rowspan="3">/shop</th>');
    expect(html).toContain('<span class="badge">UP</span>');
    expect(html).toContain('read <span data-at="' + READ_AT + '">3s</span> ago in 12 ms');
    expect(html).toContain('status page <span data-at="' + PAGE_AT + '">4s</span> ago');
    expect(html).toContain('Metaspace 64 MiB of 256 MiB (25%)');
  });

  it('a target without the status page: the versions from list, "-" for the metrics, and why', () => {
    const html = renderView(snapshot(up(withoutMetrics(statusWeb2(), READ_AT), false)), {
      now: NOW,
    });
    expect(rows(html)).toEqual([
      ['drained', '/api', '(unversioned)', 'drained', 'running', '0', '-', '-', '-', '-', '-', '-'],
      ['live', '002', 'live', 'running', '1', '-', '-', '-', '-', '-', '-'],
      ['stopped', '/shop', '004', 'stopped', 'stopped', '0', '-', '-', '-', '-', '-', '-'],
    ]);
    expect(html).toContain('no status page');
    expect(html).toContain('No per-version metrics: web2 has no status page in JSON.');
  });

  it('a target that cannot be read: DOWN, its message and its hint in the CLI words', () => {
    const error = new TomcatPdError(
      ErrorCode.connect,
      'Cannot reach the Manager at http://web3:8080/manager.',
      {
        hint: ['Give it more time with ', { option: 'timeoutMs', value: '60s' }, '.'],
      },
    );
    const html = renderView(snapshot(down(error)), { now: NOW });
    expect(html).toContain(
      '<section class="down" data-target="web3"><h2><span>web3</span><span class="badge">DOWN</span>',
    );
    expect(html).toContain('<code>E_CONNECT</code> Cannot reach the Manager at http://web3:8080/manager.');
    expect(html).toContain('hint: Give it more time with --timeout 60s.');
    expect(html).not.toContain('Not read again');
  });

  it('after a 401: not read again, and says why', () => {
    const error = new TomcatPdError(ErrorCode.auth, 'Tomcat rejected the credentials (HTTP 401).');
    const html = renderView(snapshot(down(error, 'web2', false)), { now: NOW });
    expect(html).toContain('Not read again until serve restarts');
  });

  it('a target not read yet, and the summary of targets and roles', () => {
    const html = renderView(
      snapshot(up(web1Report()), down(connectError('web3')), {
        state: 'pending',
        target: 'web4',
        managerUrl: 'http://web4:8080/manager',
      }),
      { now: NOW },
    );
    expect(html).toContain('<span>web4</span><span class="badge">NOT READ YET</span>');
    expect(html).toContain(
      '<p class="summary">Targets <b class="up">1 up</b> <b class="down">1 down</b> <b class="pending">1 not read yet</b>' +
        ' &middot; versions <b class="live">2 live</b> <b class="draining">1 draining</b> <b class="stopped">1 stopped</b></p>',
    );
    expect(html).toContain('data-title="tomcat-pd: 1 up, 1 DOWN, 1 not read yet"');
    expect(html).toContain(`data-now="${NOW}"`);
  });

  it('stale data (no read for three intervals) is marked', () => {
    const old = { ...up(web1Report()), readAt: NOW - 31_000 } as TargetSnapshot;
    expect(renderView(snapshot(old), { now: NOW })).toContain('<span class="stale">read <span');
    expect(renderView(snapshot(up(web1Report())), { now: NOW })).not.toContain('class="stale"');
  });

  it('escapes every text: target, app, error message and hint', () => {
    const report = withoutMetrics(
      {
        target: '<script>alert(1)</script>',
        managerUrl: 'http://x/"onmouseover="alert(1)',
        apps: [
          {
            path: '/a&b<i>',
            live: "'v'",
            versions: [
              { path: '/a&b<i>', version: "'v'", state: 'running', sessions: 1, name: 'x', role: 'live' },
            ],
          },
        ],
      },
      READ_AT,
    );
    const error = new TomcatPdError(ErrorCode.protocol, 'Unexpected line <img src=x onerror=alert(1)>', {
      hint: 'Look at "</p><script>"',
    });
    const html = renderPage(snapshot(up(report, false), down(error, '<b>web9</b>')), { now: NOW });
    expect(html).not.toMatch(/<script>alert|<img|<i>|<b>web9|"onmouseover|<\/p><script>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('/a&amp;b&lt;i&gt;');
    expect(html).toContain('&#39;v&#39;');
    expect(html).toContain('http://x/&quot;onmouseover=&quot;alert(1)');
    expect(html).toContain('Unexpected line &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('hint: Look at &quot;&lt;/p&gt;&lt;script&gt;&quot;');
    // The one script of the page is its own.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('passes every text through the secret redaction', () => {
    expect(escapeHtml('at http://deployer:s3cret@web1:8080/manager')).toBe(
      'at http://[redacted]@web1:8080/manager',
    );
    const error = new TomcatPdError(ErrorCode.connect, 'failed');
    const entry: TargetSnapshot = { ...down(error), managerUrl: 'http://deployer:s3cret@web1/manager' };
    expect(renderView(snapshot(entry), { now: NOW })).not.toContain('s3cret');
  });
});

describe('the whole page', () => {
  const html = renderPage(snapshot(up(web1Report())), { now: NOW });

  it('works without JavaScript: the view inside, and a refresh every interval in <noscript>', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="10"></noscript>');
    expect(html).toContain(`<main id="main">${renderView(snapshot(up(web1Report())), { now: NOW })}</main>`);
    expect(html).toContain('<title>tomcat-pd: 1 up</title>');
  });

  it('its inline style and script are the ones the Content-Security-Policy allows, by hash', () => {
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(PAGE_CSP).toContain(`style-src ${hash(style)}`);
    expect(PAGE_CSP).toContain(`script-src ${hash(script)}`);
    expect(PAGE_CSP).toMatch(/^default-src 'none'; /);
    expect(PAGE_CSP).toContain("connect-src 'self'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).not.toContain('unsafe');
    // No inline style attribute, no external resource: the policy would block them.
    expect(html).not.toMatch(/ style="|<link |src="http/);
  });

  it('the script counts ages with the rule of the server', () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const body = /const age = \(ms\) => \{([\s\S]*?)\n {2}\};/.exec(script)?.[1] ?? '';
    const age = runInNewContext(`(ms) => {${body}}`) as (ms: number) => string;
    for (const ms of [0, 999, 1_000, 59_999, 60_000, 3_599_999, 3_600_000, 86_399_999, 86_400_000, 9e9]) {
      expect(age(ms)).toBe(shortAge(ms));
    }
  });
});

describe('shortAge', () => {
  it('whole units, rounded down', () => {
    expect([0, 999, 1_000, 59_999, 60_000, 119_999, 3_600_000, 86_400_000 * 3].map(shortAge)).toEqual([
      '<1s',
      '<1s',
      '1s',
      '59s',
      '1m',
      '1m',
      '1h',
      '3d',
    ]);
    expect(shortAge(-5)).toBe('<1s');
  });
});

describe('the release lock on the page (docs/lock.md)', () => {
  it('shows each holder as "locked by ...", escaped, and nothing when nobody holds it', () => {
    const locks = {
      document: { locks: [] },
      text: 'web1: /shop locked by <alice>@ci7 (deploy, since 2026-12-07 23:05:00 UTC, until 2026-12-07 23:20:00 UTC)',
    };
    const html = renderView(snapshot(up(web1Report())), { now: NOW, locks });
    expect(html).toContain(
      '<li>web1: /shop locked by &lt;alice&gt;@ci7 (deploy, since 2026-12-07 23:05:00 UTC',
    );
    expect(renderView(snapshot(up(web1Report())), { now: NOW, locks: { ...locks, text: '' } })).not.toContain(
      'locked by',
    );
  });
});

describe('the page with a paused rollout', () => {
  it('says who paused it, since when, and that it waits for promote or abort', () => {
    const record = rolloutRecord({ actor: 'alice<ci>', pausedAt: new Date(NOW) });
    const html = renderView(snapshot(up(web1Report())), { now: NOW, paused: [record] });
    expect(html).toMatch(
      /<li>\/shop version 004: paused after step 1 of 2 by alice&lt;ci&gt; since \d{4}-\d\d-\d\d \d\d:\d\d UTC: promote or abort<\/li>/,
    );
    expect(renderView(snapshot(up(web1Report())), { now: NOW })).not.toContain('paused after');
  });
});
