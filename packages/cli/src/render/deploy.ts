import type { AnalysisReport, DeployResult, FleetDeployResult, WindowFigures } from '@tomcat-pd/core';
import { displayName } from '@tomcat-pd/core/internal';
import { probesDocument, renderProbes } from './probes.js';
import { showVersion } from './role.js';

/**
 * The JSON document (documented in the README): the version, and per target what is live now,
 * what was live before (`null` on a first deploy) and the sessions left on the older versions.
 */
export function deployDocument(result: FleetDeployResult) {
  return {
    path: result.path,
    version: result.version,
    displayName: displayName(result.path, result.version),
    targets: result.targets.map((target) => ({
      target: target.target,
      live: target.live,
      previousLive: target.previousLive ?? null,
      olderVersions: target.olderVersions.map(({ version, sessions }) => ({ version, sessions })),
      bytes: target.bytes,
      durationMs: target.durationMs,
    })),
    probes: probesDocument(result.targets.flatMap((target) => target.probes)),
    analysis: result.targets.flatMap((target) => (target.analysis === undefined ? [] : [target.analysis])),
    check: result.check === undefined ? null : { findings: result.check.findings },
  };
}

/**
 * `Version 004 of /shop is live on 2 targets (was 003 on web1, 001 on web2).`, then per target
 * where the old sessions are: `web1: 003 keeps 2 sessions`.
 */
export function renderDeploy(result: FleetDeployResult): string {
  const { targets } = result;
  const where = targets.length === 1 ? targets[0]!.target : `${targets.length} targets`;
  const lines = [
    `Version ${showVersion(result.version)} of ${result.path} is live on ${where}${was(targets)}.`,
  ];
  for (const target of targets) {
    const line = sessionsLine(target);
    if (line !== undefined) lines.push(`${target.target}: ${line}`);
  }
  lines.push(...renderProbes(targets.flatMap((target) => target.probes)));
  for (const { analysis } of targets) if (analysis !== undefined) lines.push(renderAnalysis(analysis));
  return lines.join('\n');
}

/** ` (was 003)` when every target had the same live version, else ` (was 003 on web1, none on web2)`. */
function was(targets: DeployResult[]): string {
  const previous = new Set(targets.map((target) => target.previousLive));
  if (previous.size === 1) {
    const [only] = previous;
    return only === undefined ? '' : ` (was ${showVersion(only)})`;
  }
  const parts = targets.map(
    (target) =>
      `${target.previousLive === undefined ? 'none' : showVersion(target.previousLive)} on ${target.target}`,
  );
  return ` (was ${parts.join(', ')})`;
}

/** Where the sessions of the older running versions are; nothing when no older version runs. */
function sessionsLine(target: DeployResult): string | undefined {
  // Newest first: the version just replaced is the one a rollback would return to.
  const holding = target.olderVersions.filter((older) => older.sessions > 0).reverse();
  if (holding.length > 0) {
    return holding
      .map(
        (older) =>
          `${showVersion(older.version)} keeps ${older.sessions} ${older.sessions === 1 ? 'session' : 'sessions'}`,
      )
      .join(', ');
  }
  return target.olderVersions.length > 0 ? 'no sessions remain on older versions' : undefined;
}

/** `web1: analysis pass: 0.4% errors (2 of 480 requests) in 300 s; version 003: 0.2% ...`. */
function renderAnalysis(report: AnalysisReport): string {
  const figures = (f: WindowFigures) =>
    f.errorRate === null
      ? 'no requests'
      : `${(f.errorRate * 100).toFixed(1)}% errors (${f.errors} of ${f.requests} requests)`;
  const baseline =
    report.baseline === null
      ? ''
      : `; version ${showVersion(report.baseline.version)}: ${figures(report.baseline)}`;
  const note = report.note === undefined ? '' : ` (${report.note})`;
  return `${report.target}: analysis ${report.verdict}: ${figures(report)} in ${Math.round(report.windowMs / 1000)} s${baseline}${note}`;
}
