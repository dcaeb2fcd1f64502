/**
 * Whether a log file name from a logging configuration names the same file for two versions of
 * one app (docs/war-check.md#shared-log-file). Pure.
 *
 * Both versions run in one JVM and have the same context path, so a name is shared when every
 * lookup in it is JVM-wide (`${sys:...}`, `${catalina.base}`, a date, the host name) or
 * per-context (`${web:contextPath}`). It is per-version when it holds
 * `${web:attr.org.apache.catalina.webappVersion}` (StandardContext.startInternal sets that
 * ServletContext attribute) or JULI's `${classloader.webappName}` (the context's base name,
 * `shop##002`: WebappClassLoaderBase.getWebappName). A lookup this reader does not know gets the
 * benefit of the doubt: the name is then not called shared.
 */

/** Whose `${...}` syntax the name is written in. */
export type LookupDialect =
  /** Log4j 2: `${prefix:key}`, `${key:-default}`, config properties, `$${...}` for late lookups. */
  | 'log4j2'
  /** Logback: `${NAME}` and `${NAME:-default}` (config, context and system properties, environment). */
  | 'logback'
  /**
   * Tomcat's JULI (`ClassLoaderLogManager.replace`, for every logging.properties value, the JDK's
   * FileHandler included): `${name}` is a system property or one of `classloader.webappName`,
   * `classloader.hostName`, `classloader.serviceName`.
   */
  | 'juli';

/** How far a lookup's value reaches: the same in the whole JVM, per context path, per version, or unknown. */
export type LookupScope = 'jvm' | 'context' | 'version' | 'unknown';

export interface FileNameVerdict {
  /** True when both versions would write this very file. */
  shared: boolean;
  /** Each lookup met (after config properties were followed) and its scope. */
  lookups: { lookup: string; scope: LookupScope }[];
}

/** The per-version lookup a fix names, for each dialect. */
export const PER_VERSION_LOOKUP: Readonly<Record<LookupDialect, string>> = {
  log4j2: '${web:attr.org.apache.catalina.webappVersion}',
  logback: '${WEBAPP_VERSION}',
  juli: '${classloader.webappName}',
};

const JVM_WIDE_NAMES = new Set(['catalina.base', 'catalina.home']);

const LOG4J2_WEB: Readonly<Record<string, LookupScope>> = {
  contextPath: 'context',
  contextPathName: 'context',
  servletContextName: 'context',
  'attr.org.apache.catalina.webappVersion': 'version',
};

/** Config properties are followed at most this deep (a cycle ends as unknown). */
const MAX_DEPTH = 8;

/**
 * The verdict for one file name. `properties` are the configuration's own (log4j2
 * `<Properties>`, logback `<property>`): a `${name}` that names one is replaced by its value.
 */
export function classifyFileName(
  value: string,
  dialect: LookupDialect,
  properties: ReadonlyMap<string, string> = new Map(),
): FileNameVerdict {
  const lookups: { lookup: string; scope: LookupScope }[] = [];
  collect(value, dialect, properties, lookups, 0);
  return { shared: lookups.every(({ scope }) => scope === 'jvm' || scope === 'context'), lookups };
}

function collect(
  value: string,
  dialect: LookupDialect,
  properties: ReadonlyMap<string, string>,
  into: { lookup: string; scope: LookupScope }[],
  depth: number,
): void {
  for (const key of lookupKeys(value)) {
    const name = dialect === 'juli' ? key : withoutDefault(key);
    const property = properties.get(name);
    if (property !== undefined && depth < MAX_DEPTH && !key.includes('${')) {
      collect(property, dialect, properties, into, depth + 1);
      continue;
    }
    into.push({ lookup: `\${${key}}`, scope: depth >= MAX_DEPTH ? 'unknown' : scopeOf(name, dialect) });
  }
}

/** The keys of the `${...}` in `value`, outermost only (`${a${b}}` is one key, `a${b}`). */
function lookupKeys(value: string): string[] {
  const keys: string[] = [];
  for (let start = value.indexOf('${'); start !== -1; start = value.indexOf('${', start)) {
    let depth = 0;
    let end = start;
    for (let i = start; i < value.length; i++) {
      if (value.startsWith('${', i)) {
        depth++;
        i++;
      } else if (value[i] === '}' && --depth === 0) {
        end = i;
        break;
      }
    }
    // An unclosed `${` is plain text to all three (they leave it as it is).
    if (end === start) break;
    keys.push(value.slice(start + 2, end));
    start = end + 1;
  }
  return keys;
}

function withoutDefault(key: string): string {
  const at = key.indexOf(':-');
  return at === -1 ? key : key.slice(0, at);
}

function scopeOf(name: string, dialect: LookupDialect): LookupScope {
  // A lookup built from another lookup cannot be judged here.
  if (name.includes('${')) return 'unknown';
  if (JVM_WIDE_NAMES.has(name)) return 'jvm';
  switch (dialect) {
    case 'log4j2':
      return log4j2Scope(name);
    case 'logback':
      // HOSTNAME is a context property logback always sets; the rest may be set per version.
      return name === 'HOSTNAME' ? 'jvm' : 'unknown';
    case 'juli':
      if (name === 'classloader.webappName') return 'version';
      // Every other name is System.getProperty: one value in the JVM (or left as written).
      return 'jvm';
  }
}

function log4j2Scope(name: string): LookupScope {
  const colon = name.indexOf(':');
  if (colon === -1) return name === 'hostName' ? 'jvm' : 'unknown';
  const [prefix, rest] = [name.slice(0, colon), name.slice(colon + 1)];
  if (prefix === 'sys' || prefix === 'env' || prefix === 'date') return 'jvm';
  if (prefix === 'web') return LOG4J2_WEB[rest] ?? 'unknown';
  return 'unknown';
}
