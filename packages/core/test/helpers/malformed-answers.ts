/**
 * Answers that are not what the Manager text API writes (a login page, a stack trace, 3 MB of
 * garbage, ...): each must become a typed error with the code the CLI maps to an exit code, from
 * every parser (manager/parse/) and end to end through the client (manager-client.test.ts).
 */
import { inspect } from 'node:util';
import { expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';

export const LIST_STATUS = 'OK - Listed applications for virtual host [localhost]\n';

export const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Company SSO</title></head>
<body><form method="post" action="j_security_check">
<input name="j_username"><input name="j_password" type="password"><button>Sign in</button>
</form></body></html>
`;

export const STACK_TRACE = `<!doctype html><html lang="en"><head><title>HTTP Status 500 – Internal Server Error</title></head><body>
<h1>HTTP Status 500 – Internal Server Error</h1><p><b>Type</b> Exception Report</p>
<pre>java.lang.NullPointerException: Cannot invoke "org.apache.catalina.Context.getManager()" because "context" is null
\tat org.apache.catalina.manager.ManagerServlet.sessions(ManagerServlet.java:1160)
\tat org.apache.catalina.manager.ManagerServlet.doGet(ManagerServlet.java:374)
\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)
\tat org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:205)
</pre><hr class="line" /><h3>Apache Tomcat/10.1.60 (Debian)</h3></body></html>
`;

/** 3 MB of bytes from a fixed xorshift sequence, read as Latin-1: `\n`, `\r`, NUL and all. */
function garbage(bytes = 3 * 1024 * 1024): string {
  const buffer = Buffer.alloc(bytes);
  let state = 0x2545f491;
  for (let i = 0; i < bytes; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer[i] = state & 0xff;
  }
  return buffer.toString('latin1');
}
export const GARBAGE = garbage();

/** The error `fn` throws: a TomcatPdError with `code` whose message is short (no body is echoed). */
export function errorOf(fn: () => unknown, code: ErrorCode): TomcatPdError {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(isTomcatPdError(error), inspect(error)).toBe(true);
  const typed = error as TomcatPdError;
  expect(typed.code).toBe(code);
  // At most an excerpt of the answer (80 characters, JSON-escaped), never the whole body.
  expect(typed.message.length).toBeLessThan(1_000);
  return typed;
}

/** `[what, answer, what the error shows of it]`: none of them is from the Manager text API. */
const NOT_MANAGER_ANSWERS: Array<[string, string, string]> = [
  ['an empty body', '', 'an empty answer'],
  ['only \\r\\n', '\r\n', 'an empty answer'],
  ['only line ends and blanks', '\r\n\n  \r\n', 'an empty answer'],
  ['an HTML login page', LOGIN_PAGE, '"Sign in - Company SSO"'],
  ['a 500 page with a Java stack trace', STACK_TRACE, 'HTTP Status 500'],
  ['"OK -" without a space', 'OK -Listed applications for virtual host [localhost]\n', '"OK -Listed'],
  ['"OK -" alone', 'OK -\n/shop:running:0:shop##001\n', '"OK -"'],
  ['"ok - " in lower case', 'ok - Listed applications for virtual host [localhost]\n', '"ok - Listed'],
  ['a leading byte order mark', `\uFEFF${LIST_STATUS}/shop:running:0:shop##001\n`, '\uFEFFOK - Listed'],
  ['3 MB of garbage', GARBAGE, 'a first line'],
];

/** One test per answer that is not from the Manager: `parse` (named `parser`) throws E_NOT_MANAGER showing it. */
export function itRefusesNonManagerAnswers(parser: string, parse: (text: string) => unknown): void {
  it.each(NOT_MANAGER_ANSWERS)(`${parser}: %s`, (_name, text, shown) => {
    expect(errorOf(() => parse(text), ErrorCode.notManager).message).toContain(shown);
  });
}
