/**
 * The "Load balancers" part of serve's page: per balancer a table of its members (the target
 * each is, its admin state, the balancer's health check, requests in flight, Tomcat's sessions
 * there), so that a person sees at a glance who still has visitors. Pure; only types of the
 * balancers' layer: the page's module loads none of its code.
 */
import type {
  AdminState,
  BalancerDown,
  BalancerView,
  BalancerViewUp,
  LbColours,
  LbMemberStatus,
} from '@tomcat-pd/core/balancers';
import { errorData } from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';
import { untoldText, type Colour } from '../render/colours.js';
import { restartText, type RestartSeen } from '../restart-record.js';
import { escapeHtml, shortAge } from './html.js';

/** What serve shows of the balancers: each as last read, the colours told from them, a restart. */
export interface LbView {
  readonly balancers: readonly BalancerView[];
  readonly colours: LbColours;
  /** The record of a restart beside the config file (running, or stopped without finishing). */
  readonly restart: RestartSeen | undefined;
}

/**
 * The section's own style, in a `<style>` of its own that only a page with balancers has (the
 * page of a config without them stays as it was); the page's Content-Security-Policy allows it
 * by hash beside the page's. Drain and maint rows are coloured as the draining and drained
 * versions are, and their state stands out as a badge.
 */
export const LB_STYLE = `
h2.balancers{margin:12px 0 4px;font-size:15px}
section.lb>h2{background:#dde7f3}
section.lb.down>h2{background:#b42318;color:#fff}
section.lb.pending>h2{background:#e1e4e8}
td.admin{font-weight:700;text-align:center}
tr.admin-ready td.admin,.legend .admin-ready{background:#1a7f37;color:#fff}
tr.admin-drain td{background:#fff1d6}tr.admin-drain td.admin,.legend .admin-drain{background:#c96a00;color:#fff}
tr.admin-maint td{color:#57606a;background:#f1f3f5}tr.admin-maint td.admin,.legend .admin-maint{background:#8c959f;color:#fff}
td.health-down{color:#b42318;font-weight:700}
p.colours b{margin-left:6px;padding:0 5px;border-radius:3px;color:#fff}
b.colour-live{background:#1a7f37}b.colour-draining{background:#c96a00}b.colour-idle{background:#8c959f}
p.restart{padding:4px 10px;background:#fff4d6;border:1px solid #e3b341}p.restart.stopped{background:#fde7e9;border-color:#b42318}
`;

/** The words of the footer's legend: what each admin state means for visitors. */
export const LB_LEGEND =
  '<p class="legend">Balancer states: <span class="admin-ready">ready</span> takes new visitors; ' +
  '<span class="admin-drain">drain</span> only visitors whose session lives there; ' +
  '<span class="admin-maint">maint</span> none (a sticky visitor is sent elsewhere).</p>';

/** Data older than this many intervals is shown as stale (as the targets' is). */
const STALE_INTERVALS = 3;

/**
 * Every balancer's section under one heading, after the colours and a restart in progress;
 * `data-balancer` (and `data-member`, `data-admin`, `data-health` on each row), `data-colours`,
 * `data-colour` and `data-restart` name what it shows for scripts and tests, whatever the words.
 */
export function balancersPart(view: LbView, intervalMs: number, now: number): string {
  if (view.balancers.length === 0) return '';
  return [
    '<h2 class="balancers">Load balancers</h2>',
    coloursLine(view.colours),
    view.restart === undefined
      ? ''
      : `<p class="restart ${view.restart.state}" data-restart="${view.restart.state}">` +
        `${escapeHtml(restartText(view.restart))}</p>`,
    ...view.balancers.map((entry) => balancerSection(entry, intervalMs, now)),
  ].join('');
}

/** "Colours: live web2, draining web1, idle web3", or why they cannot be told. */
function coloursLine(colours: LbColours): string {
  if (!colours.told) {
    return `<p class="colours" data-colours="${colours.untold.reason}">Colours: ${escapeHtml(untoldText(colours.untold))}</p>`;
  }
  const named = (colour: Colour, targets: readonly string[]) =>
    targets.length === 0
      ? []
      : [
          `<b class="colour-${colour}">${colour}</b> ` +
            targets.map((target) => `<span data-colour="${colour}">${escapeHtml(target)}</span>`).join(', '),
        ];
  const { live, draining, idle } = colours.colours;
  const parts = [...named('live', live), ...named('draining', draining), ...named('idle', idle)];
  return `<p class="colours" data-colours="told">Colours: ${parts.join(' ')}</p>`;
}

function balancerSection(entry: BalancerView, intervalMs: number, now: number): string {
  const open = `<section class="lb ${entry.state}" data-balancer="${escapeHtml(entry.balancer)}">`;
  const head = (badge: string, rest = '') =>
    `<h2><span>${escapeHtml(entry.balancer)}</span><span class="badge">${badge}</span>` +
    `<span class="meta">${escapeHtml(`${entry.type} ${entry.address}`)}</span>${rest}</h2>`;
  switch (entry.state) {
    case 'pending':
      return `${open}${head('NOT READ YET')}</section>`;
    case 'down':
      return `${open}${head('UNREADABLE', readLine(entry, intervalMs, now))}${downPart(entry)}</section>`;
    case 'up':
      return `${open}${head('UP', readLine(entry, intervalMs, now))}${memberTable(entry)}</section>`;
  }
}

function readLine(entry: BalancerViewUp | BalancerDown, intervalMs: number, now: number): string {
  const stale = now - entry.readAt > STALE_INTERVALS * intervalMs ? ' class="stale"' : '';
  return (
    `<span class="meta"><span${stale}>read <span data-at="${entry.readAt}">${shortAge(now - entry.readAt)}</span>` +
    ` ago in ${Math.round(entry.durationMs)} ms</span></span>`
  );
}

function downPart(entry: BalancerDown): string {
  const { code, message, hint } = errorData(entry.error, cliWords);
  return (
    `<p class="error"><code>${escapeHtml(code)}</code> ${escapeHtml(message)}</p>` +
    (hint === undefined ? '' : `<p class="hint">hint: ${escapeHtml(hint)}</p>`) +
    '<p class="note">Read again at the next interval; its members are not known until it answers.</p>'
  );
}

const HEAD = `<thead><tr>${[
  ['member', ''],
  ['target', ''],
  ['state', ''],
  ['health', ''],
  ['in flight', 'n'],
  ['sessions', 'n'],
]
  .map(([name, n]) => `<th scope="col"${n === '' ? '' : ' class="n"'}>${name}</th>`)
  .join('')}</tr></thead>`;

function memberTable(entry: BalancerViewUp): string {
  if (entry.members.length === 0) return '<p class="note">The balancer has no member.</p>';
  return `<table>${HEAD}<tbody>${entry.members.map(memberRow).join('')}</tbody></table>`;
}

/** A row; the state cell's class and the row's (`admin-drain`) carry the mark, not the words. */
function memberRow(member: LbMemberStatus): string {
  const names =
    `data-member="${escapeHtml(member.name)}" data-admin="${member.admin satisfies AdminState}"` +
    ` data-health="${member.health}"`;
  const count = (value: number | undefined) =>
    value === undefined ? '<td class="n">-</td>' : `<td class="n">${value}</td>`;
  return (
    `<tr class="admin-${member.admin}" ${names}>` +
    `<td>${escapeHtml(member.name)}</td>` +
    `<td>${member.target === undefined ? '-' : escapeHtml(member.target)}</td>` +
    `<td class="admin">${member.admin}</td>` +
    `<td${member.health === 'down' ? ' class="health-down"' : ''}>${member.health}</td>` +
    count(member.inFlight) +
    count(member.sessions) +
    '</tr>'
  );
}
