import type { ContextEntry } from '../../manager/parse/types.js';
import { displayName } from '../../versions/context-name.js';

/** An app that ran before a restart: after it, the same path and version must run again. */
export type RunningApp = Pick<ContextEntry, 'path' | 'version'>;

/**
 * Pure: the apps of `before` that do not run in `now` (stopped, failed to start, or gone), by
 * Tomcat's display name (`/shop##002`); empty when every one runs again.
 */
export function notRunningAgain(before: readonly RunningApp[], now: readonly ContextEntry[]): string[] {
  return before
    .filter(
      ({ path, version }) =>
        !now.some((entry) => entry.path === path && entry.version === version && entry.state === 'running'),
    )
    .map(({ path, version }) => displayName(path, version));
}
