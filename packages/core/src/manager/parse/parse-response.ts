/**
 * The first step of reading any Manager text API answer: split it into lines and decide OK or FAIL.
 * Pure functions, no I/O. Formats: docs/tomcat-manager.md#answers
 * (MS = Tomcat's `java/org/apache/catalina/manager/ManagerServlet.java`).
 */
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { TomcatFailError, classifyFailure } from './tomcat-fail.js';

/** A Manager answer split into its parts. */
export interface ManagerAnswer {
  /** True when the first line starts with `OK - `. */
  ok: boolean;
  /** The first line without its `OK - `/`FAIL - ` prefix, HTML entities decoded. */
  message: string;
  /** The lines after the first (raw, not decoded), trailing empty lines dropped. */
  body: string[];
}

const OK_PREFIX = 'OK - ';
const FAIL_PREFIX = 'FAIL - ';
const EXCERPT_LENGTH = 80;

/**
 * Splits a Manager answer and decides OK or FAIL from its **first line only**.
 *
 * Only the first line counts: a request for a name that is being deployed gets
 * `FAIL - The application [/app##3] is already being serviced` followed by a misleading
 * `OK - Deployed application at context path [/app##3]` (recorded in `deploy-busy-then-ok.txt`).
 * Lines end with `\r\n` on Windows servers, so both line ends are accepted.
 *
 * @param text the response body as received.
 * @param command the Manager command, for error messages (e.g. `deploy`).
 * @throws TomcatPdError `E_PROTOCOL` when the first line is a refusal in another language
 *   (`ECHEC - ...`): Tomcat did not answer in English, so its words cannot be classified.
 * @throws TomcatPdError `E_NOT_MANAGER` when the first line starts with neither `OK - ` nor `FAIL - `
 *   (an HTML error page, a login page, an empty body, ...).
 */
export function parseAnswer(text: string, command: string): ManagerAnswer {
  const lines = splitLines(text);
  const first = lines[0] ?? '';
  const rest = lines.slice(1);
  if (first.startsWith(OK_PREFIX)) {
    return { ok: true, message: decodeHtmlEntities(first.slice(OK_PREFIX.length)), body: rest };
  }
  if (first.startsWith(FAIL_PREFIX)) {
    return { ok: false, message: decodeHtmlEntities(first.slice(FAIL_PREFIX.length)), body: rest };
  }
  if (LOCALIZED_FAIL.test(first)) throw localizedError(first, command);
  throw notManagerError(text, first, command);
}

// How Tomcat's own translations (its i18n jars: de, es, fr, ko, ru) begin a refusal; `OK - ` is
// the same in every language, and ja and zh-CN keep `FAIL - `. A Tomcat answers in the JVM's
// language when the request's Accept-Language names no bundle it has exactly, as `en-US` or none
// (recorded on 9.0.70: `tomcat9/fr-en-us-deploy-already-exists.txt`; docs/tomcat-manager.md#language).
const LOCALIZED_FAIL = /^(ECHEC|FEHLER|FALLO|실패|ОШИБКА) - /u;

/**
 * Like {@link parseAnswer}, but a `FAIL - ...` answer becomes an error.
 *
 * @throws TomcatFailError `E_TOMCAT_FAIL` with the decoded message and its {@link FailKind}.
 * @throws TomcatPdError `E_NOT_MANAGER` as {@link parseAnswer}.
 */
export function expectOk(text: string, command: string): ManagerAnswer {
  const answer = parseAnswer(text, command);
  if (!answer.ok) throw new TomcatFailError(command, answer.message, classifyFailure(answer.message));
  return answer;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;

/**
 * Decodes the HTML entities Tomcat's `Escape.htmlElementContent` writes into some messages
 * (`FAIL - No context exists named [&#47;app##999]`): `&#47;` `&lt;` `&gt;` `&amp;` `&quot;` `&#39;`
 * and any numeric `&#NN;` / `&#xNN;`. One pass, so `&amp;#47;` becomes `&#47;`, not `/`.
 * Invalid code points are left as they are.
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(ENTITY, (entity, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED_ENTITIES[name] ?? entity;
    const codePoint = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}

/**
 * An `E_PROTOCOL` error for a line the parsers cannot understand, quoting (part of) the line.
 * For the parsers of this package.
 */
export function protocolError(problem: string, line: string): TomcatPdError {
  return new TomcatPdError(ErrorCode.protocol, `${problem}: ${quote(line)}`, {
    hint: 'The Manager answered in a format tomcat-pd does not know; please report it with the Tomcat version.',
  });
}

/** Splits on `\n` or `\r\n` and drops trailing empty lines (Tomcat ends every line with a line end). */
function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function localizedError(first: string, command: string): TomcatPdError {
  return new TomcatPdError(
    ErrorCode.protocol,
    `Tomcat refused ${command} in another language than English: ${quote(decodeHtmlEntities(first))}`,
    {
      hint:
        'tomcat-pd asks for English answers (Accept-Language: en), which it can read; this Tomcat, or a ' +
        "proxy in front of it, answered in the JVM's language instead. Let the header through, or start " +
        'Tomcat with -Duser.language=en -Duser.country=US.',
    },
  );
}

function notManagerError(text: string, first: string, command: string): TomcatPdError {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const seen = text.trim() === '' ? 'an empty answer' : `a first line ${quote(first)}`;
  const page = title ? ` (an HTML page titled ${quote(title)})` : '';
  return new TomcatPdError(
    ErrorCode.notManager,
    `The answer to ${command} is not from Tomcat's Manager text API: got ${seen}${page}`,
    { hint: 'Check that the URL points at the Manager web app, e.g. http://host:8080/manager' },
  );
}

/** Quotes a text for an error message, cut to about {@link EXCERPT_LENGTH} characters. */
function quote(text: string): string {
  const cut = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
  return JSON.stringify(cut);
}
