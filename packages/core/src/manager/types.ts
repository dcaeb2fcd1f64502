/** A context's state as `list` reports it: `running` when available, else `stopped`. */
export type ContextState = 'running' | 'stopped';

/** One line of the Manager's `list`, e.g. `/foo:running:1:foo##002`. */
export interface ContextEntry {
  /** The context path: `/` for ROOT, `/a/b` for nested paths. */
  path: string;
  /** The version after `##`; `''` for an unversioned context. */
  version: string;
  state: ContextState;
  /** Active sessions as Tomcat counts them (always 0 for a stopped context). */
  sessions: number;
  /** The docBase as listed: `foo##002`, `foo##004.war` (a context that failed to start), or an absolute path. */
  name: string;
}

/** One idle-time bucket of a `sessions` answer, e.g. `Inactive for [1 - <2] minutes: [2] sessions`. */
export interface SessionBucket {
  /** Tomcat's label, e.g. `<1`, `1 - <2`, `>=30`. */
  label: string;
  /** Lower bound of idle minutes, inclusive. */
  fromMinutes: number;
  /** Upper bound of idle minutes, exclusive; `null` for the open-ended last bucket. */
  toMinutes: number | null;
  count: number;
}

/** A parsed `sessions` (or `expire`) answer. */
export interface SessionInfo {
  /** The web app's session timeout in minutes (`-1` when it has none). */
  defaultMaxInactiveMinutes: number;
  buckets: SessionBucket[];
  /** The sum of the buckets: Tomcat prints no total line. */
  total: number;
  /** Only for `expire`: how many sessions Tomcat expired. */
  expired?: number;
}

/** A parsed `serverinfo` answer. */
export interface ServerInfo {
  /** e.g. `Apache Tomcat/10.1.60 (Debian)`. */
  tomcatVersion: string;
  /** Every `Key: [value]` line, keyed by the text before the colon. */
  fields: Record<string, string>;
}
