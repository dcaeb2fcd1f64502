import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '@tomcat-pd/core';
import type { BalancerView } from '@tomcat-pd/core/balancers';
import { balancersPart, LB_STYLE } from '../../src/serve/lb-section.js';
import { PAGE_CSP, renderPage, renderView } from '../../src/serve/page.js';
import { balancerViews, lbView } from '../helpers/balancers.js';
import { downTarget } from '../helpers/reports.js';

const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const READ_AT = NOW - 2_000;

/** The member rows as [class, cells...], tags stripped. */
function memberRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="(admin-[a-z]+)"[^>]*>(.*?)<\/tr>/g)].map(([, state, cells]) => [
    state ?? '',
    ...[...(cells ?? '').matchAll(/<td[^>]*>(.*?)<\/td>/g)].map(([, cell]) => cell ?? ''),
  ]);
}

const fleet: FleetSnapshot = { sequence: 2, intervalMs: 1_000, targets: [downTarget(READ_AT)] };

describe('the Load balancers part of the page', () => {
  it('per balancer a table: member, target, state, health, in flight, sessions; "-" where not known', () => {
    const html = balancersPart(lbView(balancerViews(READ_AT)), 1_000, NOW);
    expect(html.startsWith('<h2 class="balancers">Load balancers</h2>')).toBe(true);
    expect(memberRows(html)).toEqual([
      ['admin-drain', 'web1', 'web1', 'drain', 'up', '2', '3'],
      ['admin-ready', 'web2', 'web2', 'ready', 'down', '0', '0'],
      ['admin-maint', 'spare', '-', 'maint', 'unchecked', '-', '-'],
    ]);
    expect(html).toContain(
      '<section class="lb up" data-balancer="lb1"><h2><span>lb1</span><span class="badge">UP</span>' +
        '<span class="meta">haproxy /run/haproxy/admin.sock</span>',
    );
    expect(html).toContain(`read <span data-at="${READ_AT}">2s</span> ago in 2 ms`);
  });

  it('drained and maint members are marked by their row and state cell, a health check down too', () => {
    const html = balancersPart(lbView(balancerViews(READ_AT)), 1_000, NOW);
    expect(html).toContain('<tr class="admin-drain" data-member="web1" data-admin="drain" data-health="up">');
    expect(html).toContain(
      '<tr class="admin-maint" data-member="spare" data-admin="maint" data-health="unchecked">',
    );
    expect(html).toContain('<td class="admin">drain</td>');
    expect(html).toContain('<td class="health-down">down</td>');
    // The style colours them: the drain row as a draining version, maint as a drained one.
    expect(LB_STYLE).toMatch(/tr\.admin-drain td\.admin,[^{]*\{background:#c96a00/);
    expect(LB_STYLE).toMatch(/tr\.admin-maint td\.admin,[^{]*\{background:#8c959f/);
  });

  it('a balancer that cannot be read: UNREADABLE, its error and hint in the CLI words; one not read yet says so', () => {
    const html = balancersPart(lbView(balancerViews(READ_AT)), 1_000, NOW);
    expect(html).toContain(
      '<section class="lb down" data-balancer="lb2"><h2><span>lb2</span><span class="badge">UNREADABLE</span>',
    );
    expect(html).toContain(
      '<code>E_CONNECT</code> Cannot reach balancer lb2&#39;s console at http://lb2/jkstatus: connection refused.',
    );
    expect(html).toContain('hint: Give it more time with --timeout 60s.');
    expect(html).toContain(
      '<section class="lb pending" data-balancer="lb3"><h2><span>lb3</span><span class="badge">NOT READ YET</span>',
    );
  });

  it('stale readings are marked; no balancer at all: nothing', () => {
    const stale = balancersPart(lbView(balancerViews(NOW - 4_000)), 1_000, NOW);
    expect(stale).toContain('<span class="stale">read');
    expect(balancersPart(lbView([]), 1_000, NOW)).toBe('');
  });

  it('escapes names and redacts secrets', () => {
    const [lb1] = balancerViews(READ_AT) as [Extract<BalancerView, { state: 'up' }>];
    const evil: BalancerView = {
      ...lb1,
      balancer: '<script>x</script>',
      address: 'http://admin:s3cret@lb/balancer-manager',
      members: [{ ...lb1.members[0]!, name: '"><img src=x>', target: '<b>t</b>' }],
    };
    const html = balancersPart(lbView([evil]), 1_000, NOW);
    expect(html).not.toMatch(/<script>x|<img|<b>t|s3cret/);
    expect(html).toContain('data-member="&quot;&gt;&lt;img src=x&gt;"');
  });
});

describe('the colours and the restart above the balancers', () => {
  const record = {
    pid: 7,
    host: 'ctl1',
    started: '2026-12-07T19:00:00.000Z',
    targets: ['web1', 'web2'],
    target: 'web2',
    step: 'drained' as const,
    done: ['web1'],
  };

  it('each colour with its targets, then a restart in progress', () => {
    const html = balancersPart(
      lbView(balancerViews(READ_AT), {
        colours: { told: true, colours: { live: ['web2'], draining: ['web1'], idle: [] } },
        restart: { state: 'running', record },
      }),
      1_000,
      NOW,
    );
    expect(html).toContain(
      '<p class="colours" data-colours="told">Colours: <b class="colour-live">live</b> ' +
        '<span data-colour="live">web2</span> <b class="colour-draining">draining</b> ' +
        '<span data-colour="draining">web1</span></p>',
    );
    expect(html).toContain(
      '<p class="restart running" data-restart="running">restart in progress: web2 at step drained (1 of 2 done)',
    );
    expect(html.indexOf('data-restart')).toBeLessThan(html.indexOf('data-balancer="lb1"'));
  });

  it('why the colours cannot be told; a restart stopped without finishing stands out', () => {
    const html = balancersPart(
      lbView(balancerViews(READ_AT), {
        colours: { told: false, untold: { reason: 'none-idle' } },
        restart: { state: 'stopped', record },
      }),
      1_000,
      NOW,
    );
    expect(html).toContain(
      '<p class="colours" data-colours="none-idle">Colours: all ready (every target takes new visitors)</p>',
    );
    expect(html).toContain(
      '<p class="restart stopped" data-restart="stopped">a restart stopped without finishing',
    );
  });
});

describe('the page with balancers', () => {
  it('the part in the view, after the summary and before the targets, in every event too', () => {
    const view = renderView(fleet, { now: NOW, lb: lbView(balancerViews(READ_AT)) });
    const at = (text: string) => view.indexOf(text);
    expect(at('<p class="summary">')).toBeLessThan(at('Load balancers'));
    expect(at('Load balancers')).toBeLessThan(at('data-target="web3"'));
  });

  it("its own style, allowed by hash beside the page's; the legend of the states; the header counts them", () => {
    const html = renderPage(fleet, { now: NOW, lb: lbView(balancerViews(READ_AT)) });
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(([, style]) => style ?? '');
    expect(styles).toHaveLength(2);
    expect(styles[1]).toBe(LB_STYLE);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(PAGE_CSP).toContain(`style-src ${hash(styles[0]!)} ${hash(LB_STYLE)};`);
    expect(html).toContain('Balancer states: <span class="admin-ready">ready</span> takes new visitors');
    expect(html).toContain('<p>1 target and 3 balancers, each read every 1 s</p>');
    expect(html).not.toMatch(/ style="/);
  });

  it('without balancers in the config: the page as before, none of this', () => {
    const html = renderPage(fleet, { now: NOW });
    expect(html).toBe(renderPage(fleet, { now: NOW, lb: undefined }));
    expect(html).not.toMatch(/Load balancers|Balancer states|admin-/);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).toContain('<p>1 target, each read every 1 s</p>');
    expect(html).not.toContain('\n\n');
  });
});
