/**
 * Parser of the Manager's `serverinfo` answer (docs/tomcat-manager.md#serverinfo, ManagerServlet.serverinfo).
 * Pure functions.
 */
import { expectOk, protocolError } from './parse-response.js';
import type { ServerInfo } from './types.js';

// `Tomcat Version: [Apache Tomcat/10.1.60 (Debian)]` since 8.5.15; `Tomcat Version: Apache Tomcat/7.0.90` before.
const FIELD = /^([^:]+): (.*)$/;
const TOMCAT_VERSION_KEY = 'Tomcat Version';

/**
 * Parses a `serverinfo` answer:
 * ```
 * OK - Server info
 * Tomcat Version: [Apache Tomcat/10.1.60 (Debian)]
 * OS Name: [Linux]
 * JVM Version: [17.0.15+6-Debian-1deb12u1]
 * ```
 * Every `Key: [value]` or `Key: value` line becomes `fields[Key] = value` (brackets removed).
 *
 * @throws TomcatFailError on `FAIL - ...`; TomcatPdError `E_NOT_MANAGER` on a non-Manager answer;
 *   TomcatPdError `E_PROTOCOL` on a line not of that shape or when `Tomcat Version` is missing.
 */
export function parseServerInfo(text: string): ServerInfo {
  const fields: Record<string, string> = {};
  for (const line of expectOk(text, 'serverinfo').body) {
    const [, key, raw] = FIELD.exec(line) ?? [];
    if (key === undefined || raw === undefined) {
      throw protocolError('Unexpected line in the answer to serverinfo (expected "Key: [value]")', line);
    }
    fields[key.trim()] = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  }
  const tomcatVersion = fields[TOMCAT_VERSION_KEY];
  if (tomcatVersion === undefined) {
    throw protocolError(`No "${TOMCAT_VERSION_KEY}" line in the answer to serverinfo`, text);
  }
  return { tomcatVersion, fields };
}

// `Apache Tomcat/10.1.60 (Debian)`, `Apache Tomcat/11.0.0-M1`; repackagings keep `Tomcat.../<major>.`.
const MAJOR = /Tomcat[^/]*\/(\d+)\./;

/**
 * The Tomcat major version from `serverinfo`: `Apache Tomcat/10.1.60 (Debian)` → `10`;
 * `undefined` when the server does not tell (a changed `server.info`, say).
 */
export function tomcatMajorVersion(info: ServerInfo): number | undefined {
  const major = MAJOR.exec(info.tomcatVersion)?.[1];
  return major === undefined ? undefined : Number(major);
}
