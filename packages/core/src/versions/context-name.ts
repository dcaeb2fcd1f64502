/**
 * Context paths, versions and the names Tomcat derives from them, following Tomcat's
 * `java/org/apache/catalina/util/ContextName.java` (CN; docs/tomcat-manager.md#context-names). Pure functions.
 */
import { usageError } from '../errors/error-classes.js';

/** CN.VERSION_MARKER: separates the path part of a name from the version. */
const VERSION_MARKER = '##';

/**
 * The version a `list` docBase stands for, with the rules of `new ContextName(name, true)`:
 * take the last path segment (split on `/` and `\`), strip `.war`/`.xml` (any case), and the
 * version is everything after the **first** `##`, `''` when there is none.
 *
 * Examples: `app##002` → `002`, `app##004.war` → `004`, `a#b##7.war` → `7`, `app##x#y.war` → `x#y`,
 * `app##1##2` → `1##2`, `ROOT##001` → `001`, `plain` → `''`.
 *
 * An absolute docBase outside appBase (a descriptor deployment, the manager itself:
 * `/usr/share/tomcat10-admin/manager`) does not carry the context's name, so its version is
 * unknowable from `list` (docs/tomcat-manager.md#list); such a docBase usually has no `##` → `''`.
 */
export function versionFromDocBase(docBase: string): string {
  // Ignore trailing separators (`/srv/app##3/`): the last non-empty segment names the directory.
  const segments = docBase.split(/[\\/]/).filter((segment) => segment !== '');
  const last = segments[segments.length - 1] ?? '';
  // CN: `if (stripFileExtension && (lower.endsWith(".war") || lower.endsWith(".xml")))`
  const name = /\.(war|xml)$/i.test(last) ? last.slice(0, -4) : last;
  // CN: `int index = name.indexOf(VERSION_MARKER)` - the first marker; the rest is the version.
  const index = name.indexOf(VERSION_MARKER);
  return index === -1 ? '' : name.slice(index + VERSION_MARKER.length);
}

interface PathRule {
  test: (path: string) => boolean;
  problem: string;
  hint: string;
}

/**
 * Where the release lock keeps its records, one context each (docs/lock.md): never an app, hidden
 * from every view of the apps.
 */
export const LOCK_CONTEXT_ROOT = '/tomcat-pd-lock';

/** Whether a context path is the lock's (`/tomcat-pd-lock` or under it). */
export function isLockContextPath(path: string): boolean {
  return path === LOCK_CONTEXT_ROOT || path.startsWith(`${LOCK_CONTEXT_ROOT}/`);
}

// Why each character is refused (docs/tomcat-manager.md#safe-paths): `#` and `##` are re-read as `/` and
// the version marker when HostConfig reads the WAR's file name back; `..`, `//`, `/./` and `\` are
// refused by Tomcat 10.1.56+ (`RequestUtil.normalize`) but written as files by older ones; `?`, `%`,
// `;` and whitespace change meaning inside a URL and in the Manager's own query string.
const PATH_RULES: readonly PathRule[] = [
  {
    test: (p) => p === '',
    problem: 'is empty',
    hint: 'Tomcat reads an empty path as ROOT; write / for ROOT.',
  },
  {
    test: (p) => !p.startsWith('/'),
    problem: 'does not start with /',
    hint: 'Write it as /shop, or / for ROOT.',
  },
  {
    test: (p) => /[\s\p{Cc}]/u.test(p),
    problem: 'contains whitespace or a control character',
    hint: 'Use letters, digits, - _ . and / only.',
  },
  {
    // A lone UTF-16 half cannot be percent-encoded: encodeURIComponent would throw a URIError.
    test: (p) => /\p{Cs}/u.test(p),
    problem: 'contains an unpaired UTF-16 surrogate',
    hint: 'The path is not valid Unicode text; use letters, digits, - _ . and / only.',
  },
  {
    test: (p) => p.includes('#'),
    problem: 'contains #',
    hint: 'Tomcat reads # in a file name as / and ## as the version marker; pass the version separately.',
  },
  { test: (p) => p.includes('\\'), problem: 'contains a backslash', hint: 'Separate path segments with /.' },
  {
    test: (p) => /[?%;]/.test(p),
    problem: 'contains ?, % or ;',
    hint: 'These characters change the meaning of a URL; use a plain path such as /shop.',
  },
  {
    // `list` separates its fields with `:`, and `:` is not allowed in a file name on Windows.
    test: (p) => p.includes(':'),
    problem: 'contains :',
    hint: 'Tomcat lists contexts as path:state:sessions:docBase; use a plain path such as /shop.',
  },
  { test: (p) => p.includes('//'), problem: 'contains an empty segment (//)', hint: 'Remove the doubled /.' },
  {
    test: (p) => p.split('/').some((s) => s === '.' || s === '..'),
    problem: 'contains a . or .. segment',
    hint: 'Write the path without . and .. segments.',
  },
  {
    test: (p) => p.length > 1 && p.endsWith('/'),
    problem: 'ends with /',
    hint: 'Remove the trailing /, e.g. /shop instead of /shop/.',
  },
  {
    test: (p) => isLockContextPath(p),
    problem: `is under ${LOCK_CONTEXT_ROOT}, where tomcat-pd keeps its release lock`,
    hint: 'Name the app another way; docs/lock.md says what lives there.',
  },
];

/**
 * Checks a context path given by a user and returns the path to use: `/ROOT` becomes `/`.
 * Allowed: `/`, `/shop`, `/a/b`, `/my-app_1.0`.
 *
 * @throws TomcatPdError `E_USAGE` (with a hint) for an empty path, one not starting with `/`, or one
 *   containing `#`, `..`/`.` segments, `//`, `\`, a trailing `/`, whitespace or control characters, `?`, `%`, `;`,
 *   or an unpaired UTF-16 surrogate, or a path under {@link LOCK_CONTEXT_ROOT}.
 */
export function validateContextPath(path: string): string {
  const rule = PATH_RULES.find((candidate) => candidate.test(path));
  if (rule !== undefined) {
    throw usageError(`Invalid context path ${JSON.stringify(path)}: it ${rule.problem}.`, rule.hint);
  }
  // CN(path, version): `if (path == null || "/".equals(path) || "/ROOT".equals(path)) this.path = ""`.
  return path === '/ROOT' ? '/' : path;
}

/** The path as CN stores it: `''` for ROOT (`/`, `/ROOT` or empty), else unchanged. */
function cnPath(path: string): string {
  return path === '/' || path === '/ROOT' || path === '' ? '' : path;
}

/**
 * Tomcat's display form of a context name (CN.getDisplayName), as in the Manager's messages:
 * `/foo`, `/foo##002`, `/` for ROOT, `/##001` for versioned ROOT, `/a/b##007`.
 */
export function displayName(path: string, version: string): string {
  const p = cnPath(path);
  const shown = p === '' ? '/' : p;
  return version === '' ? shown : `${shown}${VERSION_MARKER}${version}`;
}

/**
 * The base name of the WAR/directory in appBase (CN.getBaseName): `foo`, `foo##002`, `ROOT`,
 * `ROOT##001`, `a#b##007` (each `/` after the first becomes `#`).
 */
export function baseName(path: string, version: string): string {
  const p = cnPath(path);
  const base = p === '' ? 'ROOT' : p.slice(1).replaceAll('/', '#');
  return version === '' ? base : `${base}${VERSION_MARKER}${version}`;
}
