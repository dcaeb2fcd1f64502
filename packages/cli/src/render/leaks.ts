import type { ErrorData, LeakCheck } from '@tomcat-pd/core';
import { errorData } from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';

/** A result that may carry a leak check: a drain report, an undeploy or a rollback. */
interface WithLeaks {
  target: string;
  leaks?: LeakCheck | undefined;
}

/**
 * `leaks` of a document with --check-leaks: one entry per target that was checked (a target
 * that removed nothing is not: no full GC for old news).
 */
export function leaksDocument(results: readonly WithLeaks[]): LeaksEntry[] {
  return results.flatMap(({ target, leaks }): LeaksEntry[] => {
    if (leaks === undefined) return [];
    return leaks.ok
      ? [
          {
            target,
            ok: true,
            leaks: leaks.report.leaks.map(({ path, undeployedNow }) => ({ path, undeployedNow })),
          },
        ]
      : [{ target, ok: false, error: errorData(leaks.error, cliWords) }];
  });
}

/** One target's leak check in a document. */
type LeaksEntry =
  | { target: string; ok: true; leaks: { path: string; undeployedNow: string[] }[] }
  | { target: string; ok: false; error: ErrorData };

/**
 * For people, a line per leaked path and target. Tomcat names paths, not versions, and every
 * class loader leaked since it started: the line says which versions it can be and no more.
 */
export function renderLeaks(results: readonly WithLeaks[]): string {
  const lines = results.flatMap(({ target, leaks }): string[] => {
    if (leaks === undefined) return [];
    if (!leaks.ok) return [`${target}: the leak check failed: ${leaks.error.message}`];
    if (leaks.report.leaks.length === 0) return [`${target}: no class loader stayed behind (findleaks).`];
    return leaks.report.leaks.map(({ path, undeployedNow }) =>
      undeployedNow.length === 0
        ? `${target}: a class loader of ${path} stayed behind from an earlier undeploy, stop or reload.`
        : `${target}: a class loader of ${path} stayed behind: ${undeployedNow.length === 1 ? 'version' : 'one of versions'} ` +
          `${undeployedNow.join(', ')} undeployed now, or an earlier one of ${path}.`,
    );
  });
  const anyLeft = results.some(({ leaks }) => leaks?.ok === true && leaks.report.leaks.length > 0);
  if (!anyLeft) return lines.join('\n');
  return [
    ...lines,
    'Only a restart of Tomcat frees a class loader that stayed behind; each one holds its classes in Metaspace.',
  ].join('\n');
}

/** `class loaders stayed behind: /shop (001 undeployed now), /old`: a leak check in one line. */
export function summarizeLeaks(leaks: LeakCheck): string {
  if (!leaks.ok) return `the leak check failed (${leaks.error.code})`;
  if (leaks.report.leaks.length === 0) return 'no class loader stayed behind';
  const paths = leaks.report.leaks.map(({ path, undeployedNow }) =>
    undeployedNow.length === 0 ? path : `${path} (${undeployedNow.join(', ')} undeployed now)`,
  );
  return `class loaders stayed behind: ${paths.join(', ')}`;
}
