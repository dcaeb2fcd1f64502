import { ConnectionError } from '../errors/error-classes.js';
import { ErrorCode } from '../errors/error-codes.js';
import { TomcatPdError, isTomcatPdError } from '../errors/tomcat-pd-error.js';
import type { HintPart } from '../errors/hints.js';
import { NO_ANSWER } from './http-get.js';
import { STALLED } from './upload.js';

/** What the transport knows about a failed exchange: never the request, never a header. */
export interface ExchangeContext {
  /** The Manager base URL for messages (no credentials). */
  managerUrl: string;
  user: string;
  command: string;
  /** How long one request may take, and how often a read is tried: named when a read times out. */
  timeoutMs: number;
  readAttempts: number;
  /** The page asked for when it is not the text API: the status page's URL. */
  page?: string;
}

/**
 * Maps a non-200 HTTP status to a typed error. Every answer the Manager servlet itself writes
 * is HTTP 200 (`OK - ...` and `FAIL - ...` alike), so any other status comes from the container:
 * the realm (401), the role constraint or the address valve (403), no such servlet (404), ...
 */
export function errorForStatus(status: number, context: ExchangeContext, location?: string): TomcatPdError {
  const { managerUrl, user, command } = context;
  const options = { url: managerUrl, status };
  if (status === 401) {
    return new TomcatPdError(
      ErrorCode.auth,
      `Tomcat rejected the credentials of user '${user}' (HTTP 401) at ${managerUrl}.`,
      {
        ...options,
        hint:
          'Check the user and password. After 5 failed logins Tomcat locks the user out for 5 minutes, ' +
          'and then even the right password gets 401: wait before trying again.',
      },
    );
  }
  if (status === 403 && context.page !== undefined) {
    return new TomcatPdError(
      ErrorCode.forbidden,
      `Tomcat refused user '${user}' the Manager's status page ${context.page} (HTTP 403), which the text API at ${managerUrl} allows.`,
      {
        ...options,
        url: context.page,
        hint:
          'A proxy or a valve in front of Tomcat lets only /manager/text through, or the user lacks a role for /manager/status ' +
          "(manager-script has it in Tomcat's own manager). Allow that URL for this user; plain status, deploy and drain work without it.",
      },
    );
  }
  if (status === 403) {
    return new TomcatPdError(
      ErrorCode.forbidden,
      `Tomcat refused user '${user}' access to the Manager text API (HTTP 403) at ${managerUrl}.`,
      {
        ...options,
        hint:
          "Two causes give this answer: the user lacks the role 'manager-script' (manager-gui is not enough; " +
          'add it in tomcat-users.xml), or this machine is not allowed by the RemoteAddrValve/RemoteCIDRValve in ' +
          "the manager's META-INF/context.xml (only loopback by default).",
      },
    );
  }
  if (status >= 300 && status < 400) {
    return new TomcatPdError(
      ErrorCode.notManager,
      `${managerUrl} redirected ${command} (HTTP ${status})${location ? ` to ${location}` : ''}.`,
      { ...options, hint: 'A Manager URL should not redirect: use the URL it redirects to (https?).' },
    );
  }
  if (status >= 500) {
    return new TomcatPdError(ErrorCode.server, `${managerUrl} answered ${command} with HTTP ${status}.`, {
      ...options,
      hint: 'The server, or a proxy in front of it, had an internal error or is not available yet.',
    });
  }
  return new TomcatPdError(
    ErrorCode.notManager,
    `${managerUrl} is not Tomcat's Manager text API: ${command} answered HTTP ${status}.`,
    {
      ...options,
      hint: 'The base URL should be the manager application, e.g. http://localhost:8080/manager',
    },
  );
}

/** What a socket, TLS or time-out code means: its words, and whether a read may try again. */
interface NetworkFailureKind {
  reason: string;
  /** Tomcat restarting, a proxy in between losing a connection: the same read may well succeed. */
  transient: boolean;
}

// The codes node:http, node:net, node:dns and this transport's own timers give. A wrong host
// name or a TLS rejection will not heal by retrying; neither will a 401 (not a network failure).
const NETWORK_FAILURES: Readonly<Record<string, NetworkFailureKind>> = {
  ECONNREFUSED: {
    reason: 'connection refused (is Tomcat running, and is the host and port right?)',
    transient: true,
  },
  ENOTFOUND: { reason: 'host not found (check the host name)', transient: false },
  EAI_AGAIN: { reason: 'host name lookup failed (check DNS and the host name)', transient: true },
  ECONNRESET: { reason: 'the connection was reset', transient: true },
  EPIPE: { reason: 'the connection was closed while sending', transient: true },
  ETIMEDOUT: { reason: 'timed out', transient: true },
  [NO_ANSWER]: { reason: 'timed out: it took the request but sent no answer in time', transient: true },
  EHOSTUNREACH: { reason: 'host unreachable', transient: true },
  ENETUNREACH: { reason: 'network unreachable', transient: true },
  [STALLED]: { reason: 'the transfer stalled', transient: true },
};

/** Where a failure happened, besides the exchange: whether the whole WAR had been sent. */
export interface NetworkFailureOptions {
  afterFullUpload?: boolean;
}

/** Maps a socket-level failure (refused, reset, timed out, TLS) to a typed error. */
export function errorForNetworkFailure(
  code: string | undefined,
  message: string,
  context: ExchangeContext,
  options: NetworkFailureOptions = {},
): ConnectionError {
  const { reason, transient, tlsHint } = networkReason(code, message);
  return new ConnectionError(
    `Cannot reach the Manager at ${context.managerUrl} (${context.command}): ${reason}.`,
    { networkCode: code, transient, afterFullUpload: options.afterFullUpload },
    {
      url: context.managerUrl,
      cause: Object.assign(new Error(message), code ? { code } : {}),
      hint: code === NO_ANSWER ? noAnswerHint(context) : tlsHint,
    },
  );
}

/** A failure to reach the app itself (a probe): the same words, another subject. */
export function errorForAppFailure(url: string, code: string | undefined, message: string): ConnectionError {
  const { reason, transient, tlsHint } = networkReason(code, message);
  return new ConnectionError(
    `No answer from ${url}: ${reason}.`,
    { networkCode: code, transient, reason },
    {
      url,
      hint: tlsHint,
    },
  );
}

/** A socket, TLS or time-out failure in words, and whether the same request may well succeed later. */
/** A network failure's code in words, whether it may heal, and the TLS hint if it is one; shared by every wire. */
export function networkReason(
  code: string | undefined,
  message: string,
): { reason: string; transient: boolean; tlsHint: HintPart[] | undefined } {
  const known = code === undefined ? undefined : NETWORK_FAILURES[code];
  const tls = tlsReason(code);
  const reason =
    known?.reason ??
    plainHttpReason(code, message) ??
    tls?.reason ??
    // OpenSSL's texts span lines and end in a colon.
    message.replace(/\s+/g, ' ').replace(/[:\s]+$/, '');
  return { reason, transient: known?.transient ?? false, tlsHint: tls?.hint };
}

// Without it, a hung Tomcat is minutes of silence and then a bare "timed out".
function noAnswerHint({ timeoutMs, readAttempts }: ExchangeContext): HintPart[] {
  return [
    `Tomcat may be overloaded or hung: check its logs. Each request waits ${timeoutMs / 1000} s (`,
    { option: 'timeoutMs' },
    `) and a read is tried ${readAttempts} time${readAttempts === 1 ? '' : 's'} (`,
    { option: 'retries' },
    ').',
  ];
}

// https:// to a plain HTTP port: OpenSSL reads the HTTP answer as a TLS record.
function plainHttpReason(code: string | undefined, message: string): string | undefined {
  if (code !== 'EPROTO' || !/wrong version number/i.test(message)) return undefined;
  return 'the port answered in plain HTTP, not TLS (use http:// for this port, or the HTTPS port)';
}

function tlsReason(code: string | undefined): { reason: string; hint?: HintPart[] } | undefined {
  if (code === undefined) return undefined;
  // An alert is the server refusing *us*: with certificateVerification it wants a client certificate.
  if (/_ALERT_/.test(code)) {
    return {
      reason: `the server refused the TLS handshake (${code}); it may require a client certificate or refuse the one given`,
      hint: [
        'Give a client certificate and its key (',
        { option: 'tls.cert' },
        ' and ',
        { option: 'tls.key' },
        ').',
      ],
    };
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/.test(code)) {
    return { reason: `the TLS certificate was not accepted (${code})` };
  }
  return undefined;
}

/** Transient failures that an idempotent read may retry (docs/tomcat-manager.md#lockout). 401 never is. */
export function isTransientError(error: unknown): boolean {
  if (!isTomcatPdError(error)) return false;
  return error.code === ErrorCode.server || (error instanceof ConnectionError && error.transient);
}
