import type {
  DrainProgress,
  DrainTargetReport,
  LbStatusReport,
  TargetStateReport,
} from '@tomcat-pd/core/balancers';
import { errorData } from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';
import { formatDuration } from '../flags/flag-values.js';
import type { RestartSeen } from '../restart-record.js';
import { coloursDocument, renderColours } from './colours.js';
import { joinBlocks } from '../target-outcomes.js';
import { renderTable } from './table.js';

/**
 * `lb status --json`: every balancer with its members (or its error), every target's sessions,
 * the colours and the restart in progress (`null` without one).
 */
export function lbStatusDocument(report: LbStatusReport, restart: RestartSeen | undefined) {
  return {
    balancers: report.balancers.map((balancer) =>
      balancer.ok ? balancer : { ...balancer, error: errorData(balancer.error, cliWords) },
    ),
    targets: report.targets.map((target) =>
      target.ok ? target : { ...target, error: errorData(target.error, cliWords) },
    ),
    ...coloursDocument(report.colours, restart),
  };
}

/**
 * `lb status`: one row per member (a balancer that could not be read says so), then each
 * target's colour and the restart in progress.
 */
export function renderLbStatus(report: LbStatusReport, restart: RestartSeen | undefined): string {
  const rows = report.balancers.flatMap((balancer) =>
    balancer.ok
      ? balancer.members.map((member) => [
          balancer.balancer,
          member.name,
          member.target ?? '-',
          member.admin,
          member.health,
          member.inFlight === undefined ? '-' : String(member.inFlight),
          member.idleSeconds === undefined ? '-' : formatDuration(member.idleSeconds * 1000),
          member.sessions === undefined ? '-' : String(member.sessions),
        ])
      : [[balancer.balancer, '-', '-', 'unreadable', '-', '-', '-', '-']],
  );
  const members = renderTable(
    ['BALANCER', 'MEMBER', 'TARGET', 'STATE', 'HEALTH', 'IN FLIGHT', 'IDLE', 'SESSIONS'],
    rows,
  );
  const targets = report.targets.map((target) => target.target);
  return joinBlocks(members, renderColours(report.colours, targets, restart));
}

/** `lb drain|maint|ready`: what changed on each balancer. */
export function renderTargetState(report: TargetStateReport): string {
  return report.balancers
    .map(({ balancer, member, before, after, changed }) =>
      changed ? `${balancer}: ${member} ${before} -> ${after}` : `${balancer}: ${member} already ${after}`,
    )
    .join('\n');
}

export function renderDrainTarget(report: DrainTargetReport): string {
  const drained =
    report.drained === undefined
      ? ''
      : `\n${report.target} is drained: ${drainedSessions(report.drained)} (${formatDuration(report.drained.elapsedMs)}).`;
  return `${renderTargetState(report)}${drained}`;
}

/** One line of progress while a drain is waited for. */
export function renderDrainProgress(progress: DrainProgress): string {
  const inFlight = progress.inFlight === undefined ? '' : `, ${progress.inFlight} requests in flight`;
  const eta =
    progress.eta.kind === 'by'
      ? `, empty in ${formatDuration(progress.eta.inMs)} if no visitor comes back`
      : progress.eta.kind === 'never'
        ? ', no session timeout: expire them (--expire-idle)'
        : '';
  return `${progress.target}: ${progress.sessionsFromBefore} sessions left${begunSince(progress)}${inFlight}${eta} (waited ${formatDuration(progress.elapsedMs)})`;
}

/** What a drained target still holds: nothing, or only sessions begun after the drain. */
function drainedSessions(progress: DrainProgress): string {
  return progress.sessions === 0
    ? 'no session left'
    : `every session from before the drain ended (${progress.sessions} begun since by returning visitors stay there)`;
}

/** The sessions begun since the drain, which it does not wait for (docs/balancers/README.md#what-a-drain-can-promise). */
function begunSince(progress: DrainProgress): string {
  const since = progress.sessions - progress.sessionsFromBefore;
  return since > 0 ? ` (and ${since} begun since, not waited for)` : '';
}
