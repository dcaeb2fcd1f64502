import { createHash } from 'node:crypto';
import type { VersionWithMetrics } from '@tomcat-pd/core';
import { DEFAULT_MAX_RESIDENT, errorData, metaspaceUse, type RolloutRecord } from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';
import { emptyBy, metricsCells } from '../render/metrics.js';
import { showVersion } from '../render/role.js';
import { mebibytes, statusWarnings, warningText } from '../render/status-warnings.js';
import { pausedRolloutLine } from '../render/paused-rollout.js';
import type { FleetSnapshot, TargetDown, TargetSnapshot, TargetUp } from '@tomcat-pd/core';
import { escapeHtml, shortAge } from './html.js';
import { balancersPart, LB_LEGEND, LB_STYLE, type LbView } from './lb-section.js';
import type { LocksBlock } from '../lock/locks-block.js';

export { escapeHtml, shortAge } from './html.js';

/**
 * The page of `serve`, rendered on the server from a snapshot: a complete page without
 * JavaScript (a `<noscript>` refresh reloads it every interval); with JavaScript, the view is
 * swapped for the one each Server-Sent Event brings, and the ages count on between events.
 * Pure: the same snapshot and `now` give the same HTML. Every text passes through
 * `escapeHtml` (and through `redactSecrets`: the core's errors hold no secret, this is the
 * second line of defence, as on the command line).
 */

/** Data older than this many intervals is shown as stale. */
const STALE_INTERVALS = 3;

const PAGE_STYLE = `
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1b1f24;background:#eef1f4}
header{display:flex;flex-wrap:wrap;gap:4px 18px;align-items:baseline;padding:8px 14px;background:#1f2f46;color:#fff}
header h1{margin:0;font-size:16px}
header p{margin:0}
.offline{display:none;margin:0;padding:4px 14px;background:#b42318;color:#fff}
body.disconnected .offline{display:block}
main{padding:4px 14px 8px}
.summary{margin:8px 0;font-size:14px}
.summary b{padding:0 5px;border-radius:3px;color:#fff}
.warnings{margin:8px 0;padding:6px 10px 6px 28px;background:#fff4d6;border:1px solid #e3b341}
section{margin:10px 0;background:#fff;border:1px solid #c9d1d9}
section>h2{display:flex;flex-wrap:wrap;gap:2px 14px;align-items:baseline;margin:0;padding:5px 10px;font-size:14px;background:#d5ecd9}
section.down>h2{background:#b42318;color:#fff}
section.pending>h2{background:#e1e4e8}
.badge{padding:0 6px;border-radius:3px;font-weight:700;color:#fff;background:#1a7f37}
section.down .badge{color:#b42318;background:#fff}
section.pending .badge{background:#6e7781}
.meta{font-size:12px;font-weight:400}
.stale{color:#b42318;font-weight:700}
section.down .stale{color:#fff}
section>p{margin:0;padding:4px 10px}
p.error{padding-top:6px;font-size:14px}
p.hint,p.note{color:#57606a;font-size:12px}
table{width:100%;border-collapse:collapse}
th,td{padding:2px 8px;border-top:1px solid #e1e4e8;text-align:left;white-space:nowrap}
thead th{font-size:12px;font-weight:600;color:#424a53;background:#f3f5f7}
th.n{text-align:right}
tbody>tr>th{vertical-align:top;font-weight:600;background:#fafbfc}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.role{font-weight:700;text-align:center}
tr.live td{background:#e3f6e8}tr.live td.role,.summary b.live,.legend .live{background:#1a7f37;color:#fff}
tr.draining td{background:#fff1d6}tr.draining td.role,.summary b.draining,.legend .draining{background:#c96a00;color:#fff}
tr.drained td{color:#57606a;background:#f1f3f5}tr.drained td.role,.summary b.drained,.legend .drained{background:#8c959f;color:#fff}
tr.stopped td{background:#fde7e9}tr.stopped td.role,.summary b.stopped,.legend .stopped{background:#b42318;color:#fff}
tr.smoke td{background:#f3e8fd}tr.smoke td.role,.summary b.smoke,.legend .smoke{background:#8250df;color:#fff}
.summary b.down{background:#b42318}.summary b.up{background:#1a7f37}.summary b.pending{background:#6e7781}
footer{padding:0 14px 14px;font-size:12px;color:#57606a}
.legend span{display:inline-block;margin-right:4px;padding:0 6px}
code{font:12px ui-monospace,Menlo,Consolas,monospace}
`;

/**
 * With JavaScript: the view is replaced by each `snapshot` event of `/events` (the server
 * renders it, so there is one renderer), and every `data-at` age counts on each second from
 * the server's clock (`data-now`), so a skewed client clock does not show wrong ages.
 */
const PAGE_SCRIPT = `
(() => {
  const main = document.getElementById('main');
  let offset = 0;
  const age = (ms) => {
    const s = Math.floor(Math.max(0, ms) / 1000);
    if (s < 1) return '<1s';
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm';
    if (s < 86400) return Math.floor(s / 3600) + 'h';
    return Math.floor(s / 86400) + 'd';
  };
  const sync = () => {
    const view = document.getElementById('view');
    if (view === null) return;
    offset = Number(view.dataset.now) - Date.now();
    document.title = view.dataset.title;
  };
  const tick = () => {
    const now = Date.now() + offset;
    for (const cell of main.querySelectorAll('[data-at]')) cell.textContent = age(now - Number(cell.dataset.at));
  };
  sync();
  setInterval(tick, 1000);
  const events = new EventSource('events');
  events.addEventListener('snapshot', (event) => {
    main.innerHTML = event.data;
    sync();
  });
  events.addEventListener('open', () => document.body.classList.remove('disconnected'));
  events.addEventListener('error', () => document.body.classList.add('disconnected'));
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing but its own inline style and script (by hash,
 * so no injected markup could run or style anything), its event stream, no frames, no forms.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  // The second: the balancers' part, whose style only a page with balancers has.
  `style-src ${sha256(PAGE_STYLE)} ${sha256(LB_STYLE)}`,
  `script-src ${sha256(PAGE_SCRIPT)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageOptions {
  /** The moment the page is rendered for (epoch ms): every age counts to it. */
  now: number;
  /**
   * The config's balancers, each member beside its target's sessions, the colours and a restart
   * in progress; `undefined` without balancers in the config (the page is then as it always was).
   */
  lb?: LbView | undefined;
  /** Who holds the release lock where (docs/lock.md): shown as "locked by ...", never as an app. */
  locks?: LocksBlock | undefined;
  /** The paused rollouts kept on the targets (none: no line). */
  paused?: readonly RolloutRecord[] | undefined;
}

/** The whole page. */
export function renderPage(snapshot: FleetSnapshot, { now, lb, locks, paused }: PageOptions): string {
  const refresh = Math.max(1, Math.round(snapshot.intervalMs / 1000));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(pageTitle(snapshot))}</title>`,
    // Without JavaScript the page is complete as it is, and reloads itself every interval.
    `<noscript><meta http-equiv="refresh" content="${refresh}"></noscript>`,
    `<style>${PAGE_STYLE}</style>`,
    ...(lb === undefined ? [] : [`<style>${LB_STYLE}</style>`]),
    '</head>',
    '<body>',
    '<header>',
    '<h1>tomcat-pd</h1>',
    `<p>${escapeHtml(readWhat(snapshot, lb))}, each read every ${escapeHtml(seconds(snapshot.intervalMs))}</p>`,
    '</header>',
    '<p class="offline">The connection to tomcat-pd serve is lost: this is the last snapshot it sent. Trying again&hellip;</p>',
    `<main id="main">${renderView(snapshot, { now, lb, locks, paused })}</main>`,
    '<footer>',
    '<p class="legend">Roles: <span class="live">live</span> new visitors get it; ' +
      '<span class="draining">draining</span> old sessions only; ' +
      '<span class="drained">drained</span> no session left, a drain undeploys it; ' +
      '<span class="stopped">stopped</span> not running; ' +
      '<span class="smoke">smoke</span> a smoke test&#39;s temporary context.</p>',
    ...(lb === undefined ? [] : [LB_LEGEND]),
    '<p>The same data: <a href="api/status">api/status</a> (JSON, as <code>status --metrics --json</code>), ' +
      '<a href="metrics">metrics</a> (Prometheus). Read-only: nothing here changes Tomcat.</p>',
    '</footer>',
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** What the page's `<main>` holds, and what each Server-Sent Event carries. */
export function renderView(snapshot: FleetSnapshot, { now, lb, locks, paused = [] }: PageOptions): string {
  const reports = snapshot.targets.flatMap((entry) => (entry.state === 'up' ? [entry.report] : []));
  const warnings = statusWarnings(reports, DEFAULT_MAX_RESIDENT);
  return [
    `<div id="view" data-now="${now}" data-title="${escapeHtml(pageTitle(snapshot))}">`,
    summary(snapshot),
    warnings.length === 0
      ? ''
      : `<ul class="warnings">${warnings.map((w) => `<li>${escapeHtml(warningText(w))}</li>`).join('')}</ul>`,
    pausedPart(paused),
    lb === undefined ? '' : balancersPart(lb, snapshot.intervalMs, now),
    locksPart(locks),
    ...snapshot.targets.map((entry) => targetSection(entry, snapshot.intervalMs, now)),
    '</div>',
  ].join('');
}

/** One line per holder of the release lock, `web1: /shop locked by alice@ci7 (deploy, ...)`; nothing when none. */
function locksPart(locks: LocksBlock | undefined): string {
  const lines = locks?.text.split('\n').filter((line) => line !== '') ?? [];
  return lines.length === 0
    ? ''
    : `<ul class="warnings locks">${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`;
}

/** A line per paused rollout: who paused it, since when, and that it waits for promote or abort. */
function pausedPart(paused: readonly RolloutRecord[]): string {
  if (paused.length === 0) return '';
  return `<ul class="warnings">${paused.map((record) => `<li>${escapeHtml(pausedRolloutLine(record))}</li>`).join('')}</ul>`;
}

/** `2 targets`, and `and 1 balancer` where the config has them. */
function readWhat(snapshot: FleetSnapshot, lb: LbView | undefined): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const targets = count(snapshot.targets.length, 'target');
  return lb === undefined ? targets : `${targets} and ${count(lb.balancers.length, 'balancer')}`;
}

/** `tomcat-pd: 2 up, 1 DOWN`: a tab that tells the state at a glance. */
function pageTitle(snapshot: FleetSnapshot): string {
  const count = (state: TargetSnapshot['state']) => snapshot.targets.filter((t) => t.state === state).length;
  const parts = [`${count('up')} up`];
  if (count('down') > 0) parts.push(`${count('down')} DOWN`);
  if (count('pending') > 0) parts.push(`${count('pending')} not read yet`);
  return `tomcat-pd: ${parts.join(', ')}`;
}

const ROLES = ['live', 'draining', 'drained', 'stopped', 'smoke'] as const;

/** The targets by state and the versions by role, as coloured counts. */
function summary(snapshot: FleetSnapshot): string {
  const targets = (['up', 'down', 'pending'] as const)
    .map((state) => [state, snapshot.targets.filter((t) => t.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `<b class="${state}">${n} ${state === 'pending' ? 'not read yet' : state}</b>`);
  const versions = snapshot.targets.flatMap((entry) =>
    entry.state === 'up' ? entry.report.apps.flatMap((app) => app.versions) : [],
  );
  const roles = ROLES.map((role) => [role, versions.filter((v) => v.role === role).length] as const)
    .filter(([, n]) => n > 0)
    .map(([role, n]) => `<b class="${role}">${n} ${role}</b>`);
  return `<p class="summary">Targets ${targets.join(' ')}${roles.length === 0 ? '' : ` &middot; versions ${roles.join(' ')}`}</p>`;
}

/**
 * A target's section; `data-target` (and `data-app`, `data-version` on each row) name what it
 * shows for scripts and tests, whatever the words around it.
 */
function targetSection(entry: TargetSnapshot, intervalMs: number, now: number): string {
  const name = `<span>${escapeHtml(entry.target)}</span>`;
  const open = (state: string) => `<section class="${state}" data-target="${escapeHtml(entry.target)}">`;
  switch (entry.state) {
    case 'pending':
      return (
        `${open('pending')}<h2>${name}<span class="badge">NOT READ YET</span>` +
        `<span class="meta">${escapeHtml(entry.managerUrl)}</span></h2></section>`
      );
    case 'down':
      return open('down') + downSection(entry, name, intervalMs, now);
    case 'up':
      return open('up') + upSection(entry, name, intervalMs, now);
  }
}

/** `read <span data-at>3s</span> ago in 12 ms`, stale after a few intervals without a read. */
function readLine(entry: TargetUp | TargetDown, intervalMs: number, now: number): string {
  const stale = now - entry.readAt > STALE_INTERVALS * intervalMs ? ' class="stale"' : '';
  return (
    `<span${stale}>read <span data-at="${entry.readAt}">${shortAge(now - entry.readAt)}</span> ago` +
    ` in ${Math.round(entry.durationMs)} ms</span>`
  );
}

function downSection(entry: TargetDown, name: string, intervalMs: number, now: number): string {
  const { code, message, hint } = errorData(entry.error, cliWords);
  return [
    `<h2>${name}<span class="badge">DOWN</span>`,
    `<span class="meta">${escapeHtml(entry.managerUrl)}</span>`,
    `<span class="meta">${readLine(entry, intervalMs, now)}</span></h2>`,
    `<p class="error"><code>${escapeHtml(code)}</code> ${escapeHtml(message)}</p>`,
    hint === undefined ? '' : `<p class="hint">hint: ${escapeHtml(hint)}</p>`,
    entry.readAgain
      ? ''
      : '<p class="note">Not read again until serve restarts: each further try with these credentials ' +
        'would count towards Tomcat&#39;s lock-out of the user.</p>',
    '</section>',
  ].join('');
}

function upSection(entry: TargetUp, name: string, intervalMs: number, now: number): string {
  const { report } = entry;
  const head = [
    `<h2>${name}<span class="badge">UP</span>`,
    `<span class="meta">${escapeHtml(entry.managerUrl)}</span>`,
    `<span class="meta">${readLine(entry, intervalMs, now)}</span>`,
    `<span class="meta">${metricsLine(entry, now)}</span>`,
    report.metaspace === undefined ? '' : `<span class="meta">${metaspaceText(entry)}</span>`,
    '</h2>',
  ].join('');
  const note =
    entry.metrics.kind === 'none'
      ? `<p class="note">No per-version metrics: ${escapeHtml(entry.metrics.reason.message)}</p>`
      : '';
  if (report.apps.length === 0)
    return `${head}${note}<p class="note">No application is deployed.</p></section>`;
  return `${head}${note}${versionTable(entry, now)}</section>`;
}

function metricsLine(entry: TargetUp, now: number): string {
  switch (entry.metrics.kind) {
    case 'status-page': {
      const at = entry.metrics.readAt;
      return `status page <span data-at="${at}">${shortAge(now - at)}</span> ago`;
    }
    case 'not-yet':
      return 'status page not read yet';
    case 'not-asked':
      return 'status page not asked for';
    case 'none':
      return 'no status page';
  }
}

function metaspaceText(entry: TargetUp): string {
  if (entry.report.metaspace === undefined) return '';
  const { usedBytes, maxBytes, share } = metaspaceUse(entry.report.metaspace);
  const limit =
    maxBytes === null || share === undefined
      ? ' (no limit)'
      : ` of ${mebibytes(maxBytes)} (${Math.round(share * 100)}%)`;
  return escapeHtml(`Metaspace ${mebibytes(usedBytes)}${limit}`);
}

/** The columns; the numeric ones (`n`) are right-aligned. */
const HEAD: readonly (readonly [string, 'n' | ''])[] = [
  ['app', ''],
  ['version', ''],
  ['role', ''],
  ['state', ''],
  ['sessions', 'n'],
  ['deployed', ''],
  ['age', 'n'],
  ['served', 'n'],
  ['requests', 'n'],
  ['errors', 'n'],
  ['empty by', ''],
];

/** One row group per app (its path once, spanning its versions), in Tomcat's order. */
function versionTable(entry: TargetUp, now: number): string {
  const head = `<thead><tr>${HEAD.map(([h, n]) => `<th scope="col"${n === '' ? '' : ' class="n"'}>${h}</th>`).join('')}</tr></thead>`;
  const groups = entry.report.apps.map((app) => {
    const rows = app.versions.map((v, i) => {
      const path =
        i === 0 ? `<th scope="rowgroup" rowspan="${app.versions.length}">${escapeHtml(app.path)}</th>` : '';
      const names = `data-app="${escapeHtml(app.path)}" data-version="${escapeHtml(v.version)}"`;
      return `<tr class="${v.role}" ${names}>${path}${versionCells(v, entry.report.readAt, now)}</tr>`;
    });
    return `<tbody>${rows.join('')}</tbody>`;
  });
  return `<table>${head}${groups.join('')}</table>`;
}

function versionCells(v: VersionWithMetrics, readAt: number, now: number): string {
  const text = (value: string, className?: string) =>
    `<td${className === undefined ? '' : ` class="${className}"`}>${escapeHtml(value)}</td>`;
  const cells = [
    text(showVersion(v.version)),
    text(v.role, 'role'),
    text(v.state),
    text(String(v.sessions), 'n'),
  ];
  const { metrics } = v;
  if (metrics === undefined) return [...cells, ...HEAD.slice(5).map(() => '<td>-</td>')].join('');
  const [deployed = '-', , served = '-', requests = '-', errors = '-'] = metricsCells(metrics, readAt);
  const age =
    metrics.deployedAt === undefined
      ? '<td>-</td>'
      : `<td class="n"><span data-at="${metrics.deployedAt}">${shortAge(now - metrics.deployedAt)}</span></td>`;
  return [
    ...cells,
    text(deployed),
    age,
    text(served, 'n'),
    text(requests, 'n'),
    text(errors, 'n'),
    text(emptyBy(metrics.drainEta, readAt, metrics.averageSessionSeconds)),
  ].join('');
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
