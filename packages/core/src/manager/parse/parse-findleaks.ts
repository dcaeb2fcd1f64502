/**
 * Parser of the Manager's `findleaks` answer (docs/tomcat-manager.md#findleaks;
 * ManagerServlet.findleaks, StandardHost.findReloadedContextMemoryLeaks). Pure functions.
 */
import { expectOk, protocolError } from './parse-response.js';
import type { FindLeaksAnswer } from './types.js';

/** Options of {@link parseFindLeaks}. */
export interface FindLeaksParseOptions {
  /**
   * Whether the request carried `statusLine=true` (as `ManagerClient.findLeaks` sends it). Then
   * the answer must start with `OK - `: an empty body or a bare list is not the Manager's answer
   * to that request (`E_NOT_MANAGER`), and never reads as "no leaks". Default: either form.
   */
  statusLine?: boolean | undefined;
}

/**
 * Parses a `findleaks` answer, with the status line (`statusLine=true`):
 * ```
 * OK - Found potential memory leaks in the following applications:
 * /leaky
 * /other
 * /leaky
 * ```
 * or `OK - No memory leaks found`; without it, the same paths alone, and an **empty body** when
 * there is no leak (recorded: `findleaks-*.txt`, also in `tomcat9/`).
 *
 * Each line after the status line is one leaked class loader's context path: ROOT's is written
 * `/` (ManagerServlet turns `""` into `/`), no version is given (MemoryLeakTrackingListener
 * stores `getContextPath()`), and a path repeats when several versions (or reloads) of it leaked
 * (recorded: `findleaks-two-versions.txt`). `leakedPaths` has each path once, where it first
 * appears. The order is Tomcat's: a WeakHashMap's iteration order, arbitrary (10.1 and 9.0
 * answered the same state in different orders, `findleaks-two-apps.txt`).
 *
 * Leaks are read from the lines, not from the status message: ManagerServlet writes the lines
 * only when there are leaks, and the message is translated (`OK - Aucune fuite de mémoire
 * trouvée` on a French JVM that was not asked for English).
 *
 * @throws TomcatFailError on `FAIL - ...` (`FAIL - Find leaks failed: Host not instance of
 *   StandardHost`); TomcatPdError `E_NOT_MANAGER` on an answer that is not the Manager's (and
 *   with `statusLine: true`, on one without the status line); TomcatPdError `E_PROTOCOL` on a
 *   line that is not a context path, or a refusal in another language.
 */
export function parseFindLeaks(text: string, options: FindLeaksParseOptions = {}): FindLeaksAnswer {
  const lines = splitLines(text);
  // Without statusLine, Tomcat writes nothing or the paths alone: a first line starting with `/`
  // cannot be anything else (no status line, no HTML page starts so).
  const bare = options.statusLine !== true && (lines.length === 0 || lines[0]?.startsWith('/') === true);
  const paths = bare ? lines : expectOk(text, 'findleaks').body;
  for (const path of paths) {
    if (!path.startsWith('/')) {
      throw protocolError('Unexpected line in the answer to findleaks (expected a context path)', path);
    }
  }
  return { leakedPaths: [...new Set(paths)] };
}

/** Splits on `\n` or `\r\n` (Windows servers) and drops the trailing empty lines, as `parseAnswer` does. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
