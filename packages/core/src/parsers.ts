/**
 * @tomcat-pd/core/parsers: the pure parsers of the Manager text API's answers, for tools that
 * read Tomcat's texts themselves. No I/O. The formats, with the texts of each Tomcat line, are in
 * the project's docs/tomcat-manager.md.
 */
export { decodeHtmlEntities, expectOk, parseAnswer } from './manager/parse/parse-response.js';
export type { ManagerAnswer } from './manager/parse/parse-response.js';
export { classifyFailure } from './manager/parse/tomcat-fail.js';
export { parseList, parseListLine } from './manager/parse/parse-list.js';
export { parseSessions } from './manager/parse/parse-sessions.js';
export { parseServerInfo, tomcatMajorVersion } from './manager/parse/parse-serverinfo.js';
export { parseStatusJson, parseStatusPage, splitContextName } from './manager/parse/parse-status-json.js';
export type { StatusAnswer, StatusPage } from './manager/parse/parse-status-json.js';
export { parseJavaDate } from './manager/parse/java-date.js';
export { parseFindLeaks } from './manager/parse/parse-findleaks.js';
export type { FindLeaksParseOptions } from './manager/parse/parse-findleaks.js';
export { versionFromDocBase } from './versions/context-name.js';
export type {
  ContextEntry,
  ContextMetrics,
  ContextState,
  FindLeaksAnswer,
  MemoryPool,
  ServerInfo,
  ServerMetrics,
  ServletMetrics,
  SessionBucket,
  SessionInfo,
} from './manager/parse/types.js';
