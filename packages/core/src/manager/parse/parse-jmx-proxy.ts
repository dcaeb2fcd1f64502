/**
 * Parsers of the Manager's JMX proxy answers, `/manager/jmxproxy/?qry=...` and `?invoke=...`
 * (docs/tomcat-manager.md#jmx-proxy; `JMXProxyServlet`). Pure functions. The proxy answers 200
 * to every request it could parse, a failure included (`Error - ...`, e.g. an MBean that is gone),
 * so the first line decides.
 */
import { protocolError } from './parse-response.js';

/** What the proxy answered: the value, or its `Error - ` line (a failure, not a broken answer). */
export type JmxAnswer<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const OK_PREFIX = 'OK - ';
const ERROR_PREFIX = 'Error - ';
const NAME_LINE = /^Name: (.+)$/;
const SESSION_IDS_LINE = 'OK - Operation listSessionIds returned:';

/**
 * The MBean names a query found: its `Name: ` lines (each MBean's attributes follow its name).
 * @throws TomcatPdError `E_PROTOCOL` on an answer that is not the proxy's.
 */
export function parseJmxQueryNames(text: string): JmxAnswer<string[]> {
  return answerOf(text, 'query', (lines) => lines.flatMap((line) => NAME_LINE.exec(line)?.[1] ?? []));
}

/**
 * The session ids `listSessionIds` returned: one line, the ids separated by spaces. The ids are
 * what a visitor's cookie holds, so no error of this parser quotes the answer beyond its first line.
 * @throws TomcatPdError `E_PROTOCOL` on an answer of another shape.
 */
export function parseJmxSessionIds(text: string): JmxAnswer<string[]> {
  return answerOf(text, 'listSessionIds', ([first, ...rest]) => {
    if (first !== SESSION_IDS_LINE)
      throw protocolError('The JMX proxy answered listSessionIds with', first ?? '');
    return rest
      .join(' ')
      .split(/\s+/)
      .filter((id) => id !== '');
  });
}

function answerOf<T>(text: string, what: string, valueOf: (lines: string[]) => T): JmxAnswer<T> {
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  if (first.startsWith(ERROR_PREFIX)) return { ok: false, error: first.slice(ERROR_PREFIX.length) };
  if (!first.startsWith(OK_PREFIX)) {
    throw protocolError(`The JMX proxy answered the ${what} with`, first.slice(0, 80));
  }
  return { ok: true, value: valueOf(lines) };
}
