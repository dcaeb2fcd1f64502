/**
 * The report of the WAR checklist (docs/war-check.md): what a WAR holds that goes wrong when two
 * versions of one app run side by side in one Tomcat. Types only.
 */

/** `error`: parallel deployment does not work as intended; `warning`: it works, with a risk; `advice`: cannot be checked. */
export type FindingSeverity = 'error' | 'warning' | 'advice';

/** What a finding is about; each is described in docs/war-check.md. */
export type FindingId =
  | 'session-tracking'
  | 'session-cookies-disabled'
  | 'session-cookie-path'
  | 'context-path'
  | 'context-anti-resource-locking'
  | 'context-work-dir'
  | 'context-doc-base'
  | 'server-socket'
  | 'shared-log-file'
  | 'jdbc-driver'
  | 'leak-prone-library'
  | 'in-process-cache'
  | 'shared-disk-files';

export interface FindingLocation {
  /** The entry in the WAR (`WEB-INF/web.xml`), or inside `jar` (`com/acme/Listener.class`). */
  file: string;
  /** The jar in the WAR that holds `file` (`WEB-INF/lib/acme.jar`), when it is in one. */
  jar?: string;
  line?: number;
  /** For class findings: the Java class name, dotted (`com.acme.Listener`). */
  className?: string;
}

export interface CheckFinding {
  id: FindingId;
  severity: FindingSeverity;
  /** One line: what was found. */
  message: string;
  locations: FindingLocation[];
  /** Why it matters for two versions side by side. */
  why: string;
  /** How to fix it. */
  fix: string;
}

/** Why an entry could not be read; the words are in {@link UnreadableEntry.reason}. */
export type UnreadableKind =
  /** Larger than the check reads (the limit is in the reason). */
  | 'too-large'
  /** The zip could not give its bytes (encrypted, an unknown compression method, a bad CRC). */
  | 'read-failed'
  /** A jar in WEB-INF/lib that is not a readable zip. */
  | 'bad-zip'
  | 'bad-xml'
  | 'bad-class'
  | 'bad-properties'
  /** A YAML or JSON logging configuration that does not parse. */
  | 'bad-yaml';

/** An entry the check skipped: what it says about that entry is unknown. */
export interface UnreadableEntry {
  file: string;
  /** The jar in the WAR that holds `file`, when it is in one. */
  jar?: string;
  kind: UnreadableKind;
  /** In words, for people. */
  reason: string;
}

export interface WarCheckReport {
  warFile: string;
  /** The WAR's size in bytes. */
  bytes: number;
  /** The context path the cookie rules compared against. */
  contextPath: string;
  /** What was found (errors first, then warnings), each id once per jar/file group (e.g. one server-socket finding per jar listing its classes). */
  findings: CheckFinding[];
  /** The checklist items no reader can check (in-process-cache, shared-disk-files): always present. */
  advice: CheckFinding[];
  counts: { error: number; warning: number };
  /** Entries read, nested ones included (for progress and the benchmark). */
  entries: number;
  /** Entries that could not be read, and were skipped: the check is blind to what they hold. */
  unreadable: UnreadableEntry[];
}

export interface CheckWarOptions {
  warFile: string;
  /**
   * The path it will be deployed at; default: from the WAR's file name as Tomcat derives it
   * (`shop##003.war` → `/shop`, `ROOT.war` → `/`, `a#b.war` → `/a/b`).
   */
  contextPath?: string | undefined;
  signal?: AbortSignal | undefined;
}
