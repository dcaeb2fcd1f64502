import type { CheckFinding, FindingSeverity, WarCheckReport } from '@tomcat-pd/core';
import { describeFinding } from '@tomcat-pd/core/internal';
import type { Output } from '../output.js';

/**
 * For people: a summary line, then each finding (errors first) with where, why and how to fix
 * it, then the advice that no reader can check, and the entries that could not be read.
 *
 *   target/shop.war as /shop: 1 error, 1 warning
 *
 *   error    server-socket: a class opens a server socket (WEB-INF/lib/acme.jar: com.acme.Listener)
 *            why: ...
 *            fix: ...
 */
export function renderCheck(report: WarCheckReport, colors: Output['colors']): string {
  const blocks = [summary(report), ...report.findings.map((finding) => findingBlock(finding, colors))];
  blocks.push(
    [
      'Cannot be checked, mind it yourself:',
      ...report.advice.map((advice) => `  - ${advice.message} ${advice.fix}`),
    ].join('\n'),
  );
  if (report.unreadable.length > 0) {
    blocks.push(
      [
        'Not read (skipped):',
        ...report.unreadable.map(
          (entry) => `  - ${entry.jar === undefined ? '' : `${entry.jar}: `}${entry.file}: ${entry.reason}`,
        ),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

function summary({ warFile, contextPath, counts }: WarCheckReport): string {
  const found =
    counts.error + counts.warning === 0
      ? 'no errors, no warnings'
      : [plural(counts.error, 'error'), plural(counts.warning, 'warning')]
          .filter((part) => part !== '')
          .join(', ');
  return `${warFile} as ${contextPath}: ${found}`;
}

function plural(count: number, word: string): string {
  return count === 0 ? '' : `${count} ${word}${count === 1 ? '' : 's'}`;
}

const SEVERITY_WIDTH = 'warning  '.length;

function findingBlock(finding: CheckFinding, colors: Output['colors']): string {
  const indent = ' '.repeat(SEVERITY_WIDTH);
  return [
    `${paintSeverity(finding.severity, colors)}${' '.repeat(SEVERITY_WIDTH - finding.severity.length)}${finding.id}: ${describeFinding(finding)}`,
    `${indent}why: ${finding.why}`,
    `${indent}fix: ${finding.fix}`,
  ].join('\n');
}

function paintSeverity(severity: FindingSeverity, colors: Output['colors']): string {
  switch (severity) {
    case 'error':
      return colors.red(severity);
    case 'warning':
      return colors.yellow(severity);
    case 'advice':
      return colors.dim(severity);
  }
}
