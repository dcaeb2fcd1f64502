import type {
  DrainCycle,
  DrainOutcome,
  DrainReport,
  DrainUntilDoneResult,
  DrainVersionReport,
} from '@tomcat-pd/core';
import { errorData, pendingVersions } from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';
import { probesDocument, renderProbes } from './probes.js';
import { errorsDocument, type TargetError } from '../target-outcomes.js';
import type { Output } from '../output.js';
import { emptyBy } from './metrics.js';
import { paintRole, showVersion } from './role.js';
import { renderTable } from './table.js';
import { nothingDeployed } from './nothing-deployed.js';
import { leaksDocument, renderLeaks, summarizeLeaks } from './leaks.js';

type Colors = Output['colors'];

/**
 * The JSON document of the drain reports of one or more targets (documented in the README): one
 * entry per app and target, `undeployed` and `failed` summed; `live` is null, not absent. With
 * `errors` (a one-shot drain), the targets that could not be drained; a cycle of `--every` has none.
 */
export function drainDocument(reports: DrainReport[], dryRun: boolean, errors?: TargetError[]) {
  return {
    dryRun,
    apps: reports.flatMap((report) =>
      report.apps.map((app) => ({
        target: report.target,
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
    ),
    undeployed: sum(reports, (report) => report.undeployed),
    failed: sum(reports, (report) => report.failed),
    probes: probesDocument(reports.flatMap((report) => report.probes)),
    ...(errors === undefined ? {} : { errors: errorsDocument(errors) }),
    ...(reports.some((report) => report.leaks !== undefined) ? { leaks: leaksDocument(reports) } : {}),
  };
}

/** `drain --wait`'s document: the drain document, `complete` only when every target is, and the wait. */
export function drainWaitDocument(results: DrainUntilDoneResult[], errors: TargetError[], waitedMs: number) {
  return {
    ...drainDocument(results, false, errors),
    complete: errors.length === 0 && results.every((result) => result.complete),
    waitedMs,
  };
}

/**
 * One JSON line of `drain --every`: the target, the cycle, and its report in the same shape as
 * a one-shot drain's document (without `errors`: a failed cycle has `error` instead).
 */
export function cycleDocument(cycle: DrainCycle) {
  const { target, startedAt } = cycle;
  return cycle.report === undefined
    ? { target, cycle: cycle.cycle, startedAt, error: errorData(cycle.error, cliWords) }
    : { target, cycle: cycle.cycle, startedAt, report: drainDocument([cycle.report], cycle.report.dryRun) };
}

/**
 * The table of the drains, then the summary line. One target: its name above the table. Several:
 * one table with a TARGET column, and a line for each target that answered with no application.
 */
export function renderDrainReport(
  reports: DrainReport[],
  several: boolean,
  colors: Colors,
  path?: string,
): string {
  const rowsOf = (report: DrainReport) =>
    report.apps.flatMap((app) =>
      app.versions.map((v) => [
        ...(several ? [report.target] : []),
        app.path,
        showVersion(v.version),
        String(v.sessions),
        paintRole(v.role, colors),
        v.action,
        paintOutcome(v.outcome, colors),
        v.detail === undefined ? v.reason : `${v.reason}; ${v.detail}`,
      ]),
    );
  const head = [
    ...(several ? ['TARGET'] : []),
    'APP',
    'VERSION',
    'SESSIONS',
    'ROLE',
    'ACTION',
    'OUTCOME',
    'REASON',
  ];
  if (!several) {
    return reports
      .map((report) => {
        const rows = rowsOf(report);
        if (rows.length === 0) return nothingDeployed(report.target, path, false);
        return [
          `${report.target}\n${renderTable(head, rows)}\n\n${summarizeDrain([report])}`,
          ...renderProbes(report.probes),
          ...nonEmpty(renderLeaks([report])),
        ].join('\n');
      })
      .join('\n\n');
  }
  if (reports.length === 0) return '';
  const rows = reports.flatMap(rowsOf);
  const notes = reports
    .filter((report) => report.apps.length === 0)
    .map((report) => nothingDeployed(report.target, path, true));
  const summary = [
    summarizeDrain(reports),
    ...renderProbes(reports.flatMap((report) => report.probes)),
    ...nonEmpty(renderLeaks(reports)),
  ].join('\n');
  return [...(rows.length === 0 ? [] : [renderTable(head, rows)]), notes.join('\n'), summary]
    .filter((block) => block !== '')
    .join('\n\n');
}

function nonEmpty(text: string): string[] {
  return text === '' ? [] : [text];
}

/** `Dry run: 2 versions would be undeployed.` or `Undeployed 2 versions; 1 failed.`, over all targets. */
export function summarizeDrain(reports: DrainReport[]): string {
  const all = reports.flatMap((report) => report.apps.flatMap((app) => app.versions));
  if (reports.some((report) => report.dryRun)) {
    const planned = all.filter((v) => v.outcome === 'planned').length;
    return `Dry run: ${versions(planned)} would be undeployed.`;
  }
  const undeployed = sum(reports, (report) => report.undeployed);
  const failed = sum(reports, (report) => report.failed);
  const parts = [`Undeployed ${versions(undeployed)}`];
  if (failed > 0) parts.push(`${failed} failed`);
  const waiting = count(all, 'waiting');
  if (waiting > 0) parts.push(`${waiting} waiting for the grace period`);
  const skipped = count(all, 'skipped');
  if (skipped > 0) parts.push(`${skipped} skipped on re-check`);
  return `${parts.join('; ')}.`;
}

/** `12:00:05 web1: undeployed /shop##001; 2 kept; 1 waiting (grace)`: one cycle of a loop. */
export function summarizeCycle(cycle: DrainCycle): string {
  const { target } = cycle;
  const time = new Date(cycle.startedAt).toTimeString().slice(0, 8);
  if (cycle.report === undefined) {
    return `${time} ${target}: cycle ${cycle.cycle} failed (${cycle.error.code}): ${cycle.error.message}`;
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
  const { leaks } = cycle.report;
  if (leaks !== undefined) parts.push(summarizeLeaks(leaks));
  const readAt = Date.parse(cycle.startedAt);
  for (const { path, version, eta } of cycle.etas ?? []) {
    const name = `${path}##${showVersion(version)}`;
    if (eta.kind === 'never') parts.push(`${name} has no session timeout: it never empties by itself`);
    else parts.push(`${name} empty ${eta.kind === 'empty' ? 'now' : `by ${emptyBy(eta, readAt)}`}`);
  }
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

function sum(reports: readonly DrainReport[], of: (report: DrainReport) => number): number {
  return reports.reduce((total, report) => total + of(report), 0);
}

function versions(n: number): string {
  return n === 1 ? '1 version' : `${n} versions`;
}
