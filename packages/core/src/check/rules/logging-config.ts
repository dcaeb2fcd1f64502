/**
 * What the readers of logging configurations give (log-configs.ts for XML and properties,
 * log4j2-tree.ts for JSON and YAML), and what they share of Log4j 2.
 */
import type { UnreadableKind } from '../../common/check-report.js';
import type { LookupDialect } from './log-file-name.js';

export type LoggingFormat =
  'log4j2-xml' | 'log4j2-properties' | 'log4j2-json' | 'log4j2-yaml' | 'logback-xml' | 'juli';

/** One file name an appender or handler writes to. */
export interface LogFileTarget {
  /** The appender's or handler's name (`RollingFile` `app`, `1app.org.apache.juli.FileHandler`). */
  appender: string;
  /** The name as written, or as the handler composes it (JULI: directory/prefix). */
  fileName: string;
  line?: number;
}

export interface LoggingConfig {
  format: LoggingFormat;
  dialect: LookupDialect;
  targets: LogFileTarget[];
  /** The configuration's own properties, which its `${name}` lookups read. */
  properties: Map<string, string>;
}

export type LoggingConfigResult =
  { ok: true; config: LoggingConfig } | { ok: false; kind: UnreadableKind; reason: string };

/** Log4j 2 appenders that write to a file (plugin names are case-insensitive). */
export const LOG4J2_FILE_APPENDERS = new Set([
  'file',
  'rollingfile',
  'randomaccessfile',
  'rollingrandomaccessfile',
  'memorymappedfile',
]);
export const LOG4J2_FILE_ATTRIBUTES = ['fileName', 'filePattern'];
