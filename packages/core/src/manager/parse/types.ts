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

/** What the status page says of one servlet of a context. */
export interface ServletMetrics {
  name: string;
  requests: number;
  /** Requests that ended in an error: an uncaught exception or `sendError` (a 404 too), not a status set by the app. */
  errors: number;
  processingTimeMs: number;
}

/** What the status page says of one context (one version of an app). */
export interface ContextMetrics {
  /** Tomcat's name: `localhost/shop##002`, `localhost/##001` (ROOT), `localhost/` (unversioned ROOT). */
  name: string;
  host: string;
  path: string;
  /** `''` for an unversioned context. */
  version: string;
  /** Tomcat's lifecycle state: `STARTED`, `STOPPED`, `FAILED`, ... */
  state: string;
  /**
   * When the context last started (epoch ms): for a version, when it was deployed, unless it was
   * stopped and started again since. `undefined` for a context that is not started, or when the
   * server's time zone is not one tomcat-pd can read (`startTime` keeps the text).
   */
  startedAt: number | undefined;
  /** Tomcat's text of the start time, in the server's time zone: `Tue Dec 01 23:55:15 UTC 2026`. */
  startTime: string;
  sessions: {
    active: number;
    /** Sessions created since the context started. */
    created: number;
    expired: number;
    rejected: number;
    maxActive: number;
    averageAliveSeconds: number;
    maxAliveSeconds: number;
  };
  /** Summed over `servlets`. */
  requests: number;
  errors: number;
  processingTimeMs: number;
  servlets: ServletMetrics[];
}

/** A JVM memory pool (`Metaspace`, `Tenured Gen`, ...; the names depend on the garbage collector). */
export interface MemoryPool {
  name: string;
  /** `Heap memory` or `Non-heap memory`. */
  type: string;
  usedBytes: number;
  /** `null`: no limit (Metaspace without `-XX:MaxMetaspaceSize`). */
  maxBytes: number | null;
}

/** A parsed `/manager/status/all?JSON=true` answer. */
export interface ServerMetrics {
  contexts: ContextMetrics[];
  memoryPools: MemoryPool[];
}

/** A parsed `findleaks` answer (docs/tomcat-manager.md#findleaks). */
export interface FindLeaksAnswer {
  /**
   * The context paths whose class loader outlived its context (`/` for ROOT), each once, in the
   * order of Tomcat's answer, which is arbitrary (a WeakHashMap's). Tomcat names no version.
   */
  leakedPaths: string[];
}
