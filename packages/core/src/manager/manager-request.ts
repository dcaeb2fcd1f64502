import { usageError } from '../errors/error-classes.js';

/** The Manager text API commands this library uses. */
export type ManagerCommand =
  | 'list'
  | 'deploy'
  | 'undeploy'
  | 'start'
  | 'stop'
  | 'reload'
  | 'sessions'
  | 'expire'
  | 'serverinfo'
  | 'findleaks';

export type ManagerParams = Readonly<Record<string, string | undefined>>;

/**
 * Builds the URL of one command. Pure: no I/O.
 *
 * Guards that hold for every request (docs/tomcat-manager.md#query-encoding, #sessions-and-expire):
 * - every value is percent-encoded (`+` would decode to a space, `#` would end the URL);
 * - `path` is never empty: Tomcat reads `path=` as ROOT, so an empty path would act on `/`;
 * - `sessions` never carries `idle`: the Manager runs `sessions` and `expire` through the same
 *   code, and an `idle` parameter expires sessions.
 *
 * @throws TomcatPdError `E_USAGE` for an empty `path`, `idle` on `sessions`, or a key or value with an
 *   unpaired UTF-16 surrogate (it cannot be percent-encoded).
 */
export function buildCommandUrl(textBase: URL, command: ManagerCommand, params: ManagerParams = {}): URL {
  if ('path' in params && (params.path === undefined || params.path === '')) {
    throw usageError(`Refusing to send ${command} with an empty context path: Tomcat would read it as ROOT.`);
  }
  if (command === 'sessions' && 'idle' in params) {
    throw usageError('A sessions read must not carry idle: Tomcat would expire sessions.');
  }
  // A lone UTF-16 half (not valid Unicode) cannot be percent-encoded: encodeURIComponent throws a URIError.
  const malformed = Object.entries(params).find(
    ([key, value]) => /\p{Cs}/u.test(key) || /\p{Cs}/u.test(value ?? ''),
  );
  if (malformed !== undefined) {
    throw usageError(
      `Refusing to send ${command}: the ${JSON.stringify(malformed[0])} parameter is not valid Unicode text.`,
    );
  }
  const url = new URL(command, textBase);
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  url.search = query;
  return url;
}

/** Parameters naming one version of an app; an unversioned context sends no `version`. */
export function contextParams(path: string, version: string): Record<string, string | undefined> {
  return { path, version: version === '' ? undefined : version };
}
