/** The small pieces of HTML every part of serve's page shares. Pure. */
import { redactSecrets } from '@tomcat-pd/core/internal';

/** Text for HTML: element content and double-quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return redactSecrets(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `<1s`, `42s`, `17m`, `5h`, `3d`: whole units, rounded down. The page's script counts the ages
 * on with the same rule (`age` in PAGE_SCRIPT), so a tick never changes how one is written.
 */
export function shortAge(elapsedMs: number): string {
  const seconds = Math.floor(Math.max(0, elapsedMs) / 1000);
  if (seconds < 1) return '<1s';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
