import type { MetricsReport, StatusReport } from '@tomcat-pd/core';
import { METASPACE_WARNING_SHARE, metaspaceUse, residentOverLimit } from '@tomcat-pd/core/internal';

/** A finding of `status` about a target's health: in the JSON's `warnings`, and on stderr for people. */
export type StatusWarning =
  | { kind: 'resident-versions'; target: string; path: string; versions: number; max: number }
  | { kind: 'metaspace'; target: string; usedBytes: number; maxBytes: number; share: number };

/** The apps over `maxResident` versions, and (with metrics) a Metaspace over its warning share. */
export function statusWarnings(
  reports: readonly (StatusReport | MetricsReport)[],
  maxResident: number,
): StatusWarning[] {
  return reports.flatMap((report): StatusWarning[] => [
    ...residentOverLimit(report, maxResident).map((over) => ({
      kind: 'resident-versions' as const,
      ...over,
    })),
    ...metaspaceWarnings(report),
  ]);
}

function metaspaceWarnings(report: StatusReport | MetricsReport): StatusWarning[] {
  if (!('metaspace' in report) || report.metaspace === undefined) return [];
  const use = metaspaceUse(report.metaspace);
  if (!use.nearLimit || use.maxBytes === null || use.share === undefined) return [];
  return [
    {
      kind: 'metaspace',
      target: report.target,
      usedBytes: use.usedBytes,
      maxBytes: use.maxBytes,
      share: use.share,
    },
  ];
}

/** One line for people, naming the target, what is wrong and what to do. */
export function warningText(warning: StatusWarning): string {
  switch (warning.kind) {
    case 'resident-versions':
      return (
        `${warning.target}: ${warning.path} has ${warning.versions} versions resident (more than ` +
        `${warning.max}); each keeps its classes in memory until it is undeployed. Drain the old ` +
        `ones: tomcat-pd drain --path ${warning.path}`
      );
    case 'metaspace':
      return (
        `${warning.target}: Metaspace is ${Math.round(warning.share * 100)}% full ` +
        `(${mebibytes(warning.usedBytes)} of ${mebibytes(warning.maxBytes)}, warning over ` +
        `${Math.round(METASPACE_WARNING_SHARE * 100)}%): undeploy old versions, and look for class ` +
        'loaders left behind (tomcat-pd drain --check-leaks); only a restart frees those.'
      );
  }
}

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
