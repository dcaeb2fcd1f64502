import {
  pendingVersions,
  type DrainCycle,
  type DrainOutcome,
  type DrainReport,
  type DrainVersionReport,
} from '@tomcat-pd/core';
import type { Output } from './output.js';
import { paintRole, showVersion } from './render-role.js';
import { renderTable } from './table.js';

type Colors = Output['colors'];

/** The JSON document of a drain report (documented in the README); `live` is null, not absent. */
export function drainDocument(report: DrainReport) {
  return {
    target: report.target,
    dryRun: report.dryRun,
    apps: report.apps.map((app) => ({
      path: app.path,
      live: app.live ?? null,
      versions: app.versions.map(({ version, state, role, sessions, action, reason, outcome, detail }) => ({
        version,
        state,
        role,
        sessions,
        action,
        reason,
        outcome,
        ...(detail === undefined ? {} : { detail }),
      })),
    })),
    undeployed: report.undeployed,
    failed: report.failed,
  };
}

/** One JSON line of `drain --every`: the cycle, its report in the same shape as a one-shot drain. */
export function cycleDocument(cycle: DrainCycle) {
  return {
    cycle: cycle.cycle,
    startedAt: cycle.startedAt,
    ...(cycle.report === undefined ? {} : { report: drainDocument(cycle.report) }),
    ...(cycle.error === undefined ? {} : { error: cycle.error }),
  };
}

/** The table of one target's drain, then the summary line. */
export function renderDrainReport(report: DrainReport, colors: Colors): string {
  const rows = report.apps.flatMap((app) =>
    app.versions.map((v) => [
      app.path,
      showVersion(v.version),
      String(v.sessions),
      paintRole(v.role, colors),
      v.action,
      paintOutcome(v.outcome, colors),
      v.detail === undefined ? v.reason : `${v.reason}; ${v.detail}`,
    ]),
  );
  if (rows.length === 0) return `No application is deployed on ${report.target}.`;
  const head = ['APP', 'VERSION', 'SESSIONS', 'ROLE', 'ACTION', 'OUTCOME', 'REASON'];
  return `${report.target}\n${renderTable(head, rows)}\n\n${summarizeDrain(report)}`;
}

/** `Dry run: 2 versions would be undeployed.` or `Undeployed 2 versions; 1 failed.` */
export function summarizeDrain(report: DrainReport): string {
  const all = report.apps.flatMap((app) => app.versions);
  if (report.dryRun) {
    const planned = all.filter((v) => v.outcome === 'planned').length;
    return `Dry run: ${versions(planned)} would be undeployed.`;
  }
  const parts = [`Undeployed ${versions(report.undeployed)}`];
  if (report.failed > 0) parts.push(`${report.failed} failed`);
  const waiting = count(all, 'waiting');
  if (waiting > 0) parts.push(`${waiting} waiting for the grace period`);
  const skipped = count(all, 'skipped');
  if (skipped > 0) parts.push(`${skipped} skipped on re-check`);
  return `${parts.join('; ')}.`;
}

/** `12:00:05 web1: undeployed /shop##001; 2 kept; 1 waiting (grace)`: one cycle of a loop. */
export function summarizeCycle(cycle: DrainCycle, target: string): string {
  const time = new Date(cycle.startedAt).toTimeString().slice(0, 8);
  if (cycle.report === undefined) {
    const { code, message } = cycle.error ?? { code: 'E_UNEXPECTED', message: 'unknown error' };
    return `${time} ${target}: cycle ${cycle.cycle} failed (${code}): ${message}`;
  }
  const labelled = cycle.report.apps.flatMap((app) =>
    app.versions.map((v) => ({ ...v, name: `${app.path}##${v.version}` })),
  );
  const named = (outcome: DrainOutcome) => labelled.filter((v) => v.outcome === outcome).map((v) => v.name);
  const parts: string[] = [];
  const undeployed = named('undeployed');
  if (undeployed.length > 0) parts.push(`undeployed ${undeployed.join(', ')}`);
  const failed = named('failed');
  if (failed.length > 0) parts.push(`failed ${failed.join(', ')}`);
  if (parts.length === 0) parts.push(cycle.report.dryRun ? 'dry run' : 'nothing undeployed');
  parts.push(`${count(labelled, 'kept')} kept`);
  const waiting = count(labelled, 'waiting');
  if (waiting > 0) parts.push(`${waiting} waiting (grace)`);
  const skipped = count(labelled, 'skipped');
  if (skipped > 0) parts.push(`${skipped} skipped (re-check)`);
  return `${time} ${target}: ${parts.join('; ')}`;
}

/** `/shop##001 (draining: 3 sessions), ...`: what a drain has still to remove, and why not yet. */
export function describePending(report: DrainReport): string {
  return pendingVersions(report)
    .map(
      (v) =>
        `${v.path}##${showVersion(v.version)} (${v.outcome === 'kept' ? v.reason : (v.detail ?? v.reason)})`,
    )
    .join(', ');
}

function paintOutcome(outcome: DrainOutcome, colors: Colors): string {
  switch (outcome) {
    case 'undeployed':
      return colors.green(outcome);
    case 'failed':
      return colors.red(outcome);
    case 'waiting':
    case 'skipped':
      return colors.yellow(outcome);
    case 'kept':
      return colors.dim(outcome);
    case 'planned':
      return colors.cyan(outcome);
  }
}

function count(versions: readonly DrainVersionReport[], outcome: DrainOutcome): number {
  return versions.filter((v) => v.outcome === outcome).length;
}

function versions(n: number): string {
  return n === 1 ? '1 version' : `${n} versions`;
}
