import type { Output } from '../output.js';

/**
 * The lines of `next` that were not in `previous`, painted, so that a redrawn table shows what
 * changed since the last read (a version that went live, a session count that moved). The first
 * drawing has nothing to compare with and is left plain.
 */
export function highlightChanges(
  previous: string | undefined,
  next: string,
  colors: Output['colors'],
): string {
  if (previous === undefined) return next;
  const before = new Set(previous.split('\n'));
  return next
    .split('\n')
    .map((line) => (line === '' || before.has(line) ? line : colors.inverse(line)))
    .join('\n');
}

/** `Every 5s: tomcat-pd status --watch    read 12:00:01Z; Ctrl-C to stop` */
export function watchHeading(command: string, intervalMs: number, readAt: Date): string {
  return `Every ${intervalMs / 1000}s: ${command}    read ${readAt.toISOString().slice(11, 19)}Z; Ctrl-C to stop`;
}
