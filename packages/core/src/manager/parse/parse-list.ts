/**
 * Parser of the Manager's `list` answer (docs/tomcat-manager.md#list, ManagerServlet.list). Pure functions.
 */
import { versionFromDocBase } from '../../versions/context-name.js';
import { expectOk, protocolError } from './parse-response.js';
import type { ContextEntry, ContextState } from './types.js';

// One line per Host child, `path:state:sessions:docBase` joined with `:`. The docBase is last and may
// itself contain `:` on Windows (`C:\...`), so state and sessions are found by their shape, not by
// splitting on `:`. The path is `/` for ROOT (MS: `if (displayPath.equals("")) displayPath = "/"`).
const LIST_LINE = /^(.*):(running|stopped):(\d+):(.*)$/;

/**
 * Parses a whole `list` answer:
 * ```
 * OK - Listed applications for virtual host [localhost]
 * /app:running:1:app##001
 * /app:stopped:0:app##004.war
 * ```
 * Entries come in Tomcat's order, which is arbitrary (a HashMap); sort them if order matters.
 *
 * @throws TomcatFailError on `FAIL - ...`; TomcatPdError `E_NOT_MANAGER` on a non-Manager answer;
 *   TomcatPdError `E_PROTOCOL` on a line that is not a context line.
 */
export function parseList(text: string): ContextEntry[] {
  return expectOk(text, 'list').body.map(parseListLine);
}

/**
 * Parses one context line of `list`, e.g. `/foo:running:1:foo##002` →
 * `{ path: '/foo', version: '002', state: 'running', sessions: 1, name: 'foo##002' }`.
 * The version comes from the docBase ({@link versionFromDocBase}); `name` keeps the docBase as listed.
 *
 * @throws TomcatPdError `E_PROTOCOL` quoting the line when it does not have that shape
 *   (unknown state, missing fields or an empty docBase, a path not starting with `/`).
 */
export function parseListLine(line: string): ContextEntry {
  const match = LIST_LINE.exec(line);
  const [, path, state, sessions, docBase] = match ?? [];
  // An empty docBase only comes from a cut-off line: Tomcat always prints one.
  if (path === undefined || state === undefined || sessions === undefined || !docBase) {
    throw protocolError('Unexpected line in the answer to list (expected path:state:sessions:docBase)', line);
  }
  if (!path.startsWith('/')) {
    throw protocolError('Unexpected context path in the answer to list (expected it to start with /)', line);
  }
  const count = Number(sessions);
  if (!Number.isSafeInteger(count)) {
    throw protocolError('Unexpected session count in the answer to list', line);
  }
  return {
    path,
    version: versionFromDocBase(docBase),
    state: state as ContextState,
    sessions: count,
    name: docBase,
  };
}
