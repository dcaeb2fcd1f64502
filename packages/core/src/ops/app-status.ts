import type { ContextEntry } from '../manager/parse/types.js';
import { isSmokeContextPath, isSmokeContextPathOf } from './smoke-path.js';
import { compareVersions } from '../versions/version-order.js';

/**
 * - `live`: the running version Tomcat gives new visitors (the greatest running one);
 * - `draining`: running, not live, with sessions;
 * - `drained`: running, not live, no sessions;
 * - `stopped`: not running (stopped, or failed to start);
 * - `smoke`: the temporary context of a smoke test (`/shop-smoke-4f2a`), a leftover when no
 *   deploy is running it.
 */
export type VersionRole = 'live' | 'draining' | 'drained' | 'stopped' | 'smoke';

export interface VersionStatus extends ContextEntry {
  role: VersionRole;
}

/** Every version of one context path, ascending in Tomcat's order. */
export interface AppStatus {
  path: string;
  /** The live version, if any version runs. */
  live: string | undefined;
  versions: VersionStatus[];
}

/** Groups `list` entries by path, sorted by path, with each version's role. */
export function describeApps(entries: readonly ContextEntry[]): AppStatus[] {
  const byPath = new Map<string, ContextEntry[]>();
  for (const entry of entries) {
    byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), entry]);
  }
  return [...byPath.keys()].sort(compareVersions).map((path) => describeApp(entries, path));
}

/**
 * The status of one app, followed by the leftovers of its smoke tests (`/shop-smoke-4f2a`): what a
 * status or a drain of that app shows.
 */
export function describeAppAndSmoke(entries: readonly ContextEntry[], path: string): AppStatus[] {
  const smoke = [
    ...new Set(entries.map((entry) => entry.path).filter((other) => isSmokeContextPathOf(path, other))),
  ];
  return [
    describeApp(entries, path),
    ...smoke.sort(compareVersions).map((other) => describeApp(entries, other)),
  ];
}

/** The status of one app; an app that is not deployed has no versions. */
export function describeApp(entries: readonly ContextEntry[], path: string): AppStatus {
  const versions = entries
    .filter((entry) => entry.path === path)
    .sort((a, b) => compareVersions(a.version, b.version));
  const live = versions.filter((entry) => entry.state === 'running').at(-1)?.version;
  return {
    path,
    live,
    versions: versions.map((entry) => ({ ...entry, role: roleOf(entry, live) })),
  };
}

function roleOf(entry: ContextEntry, live: string | undefined): VersionRole {
  if (isSmokeContextPath(entry.path)) return 'smoke';
  if (entry.state !== 'running') return 'stopped';
  if (entry.version === live) return 'live';
  return entry.sessions > 0 ? 'draining' : 'drained';
}
