import { ErrorCode, TomcatPdError } from './errors.js';

/** What the transport knows about a failed exchange: never the request, never a header. */
export interface ExchangeContext {
  /** The Manager base URL for messages (no credentials). */
  managerUrl: string;
  user: string;
  command: string;
  /** How long one request may take, and how often a read is tried: named when a read times out. */
  timeoutMs: number;
  readAttempts: number;
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

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is Tomcat running, and is the host and port right?)',
  ENOTFOUND: 'host not found (check the host name)',
  EAI_AGAIN: 'host name lookup failed (check DNS and the host name)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'timed out',
  ERR_NO_ANSWER: 'timed out: it took the request but sent no answer in time',
  ECONNABORTED: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_STALLED: 'the transfer stalled',
  UND_ERR_SOCKET: 'the connection was closed',
};

/** Maps a socket-level failure (refused, reset, timed out, TLS) to a typed error. */
export function errorForNetworkFailure(code: string | undefined, message: string, context: ExchangeContext) {
  const reason =
    (code && NETWORK_REASONS[code]) ??
    plainHttpReason(code, message) ??
    tlsReason(code) ??
    // OpenSSL's texts span lines and end in a colon.
    message.replace(/\s+/g, ' ').replace(/[:\s]+$/, '');
  return new TomcatPdError(
    ErrorCode.connect,
    `Cannot reach the Manager at ${context.managerUrl} (${context.command}): ${reason}.`,
    {
      url: context.managerUrl,
      cause: Object.assign(new Error(message), code ? { code } : {}),
      ...(code === 'ERR_NO_ANSWER' ? { hint: noAnswerHint(context) } : {}),
    },
  );
}

// Without it, a hung Tomcat is minutes of silence and then a bare "timed out".
function noAnswerHint({ timeoutMs, readAttempts }: ExchangeContext): string {
  return (
    `Tomcat may be overloaded or hung: check its logs. Each request waits ${timeoutMs / 1000} s ` +
    `(--timeout) and a read is tried ${readAttempts} time${readAttempts === 1 ? '' : 's'} (--retries).`
  );
}

// https:// to a plain HTTP port: OpenSSL reads the HTTP answer as a TLS record.
function plainHttpReason(code: string | undefined, message: string): string | undefined {
  if (code !== 'EPROTO' || !/wrong version number/i.test(message)) return undefined;
  return 'the port answered in plain HTTP, not TLS (use http:// for this port, or the HTTPS port)';
}

function tlsReason(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  // An alert is the server refusing *us*: with certificateVerification it wants a client certificate.
  if (/_ALERT_/.test(code)) {
    return (
      `the server refused the TLS handshake (${code}); it may require a client certificate ` +
      '(--cert-file and --key-file) or refuse the one given'
    );
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/.test(code)) {
    return `the TLS certificate was not accepted (${code})`;
  }
  return undefined;
}

// Failures after which the same read may well succeed: Tomcat restarting, a proxy in between
// losing a connection. A wrong host name, a TLS rejection or a 401 will not heal by retrying.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_NO_ANSWER',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STALLED',
  'UND_ERR_SOCKET',
]);

/** Transient failures that an idempotent read may retry (PRODUCT.md safety rule 7). 401 never is. */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof TomcatPdError)) return false;
  if (error.code === ErrorCode.server) return true;
  const causeCode = (error.cause as { code?: string } | undefined)?.code;
  return (
    error.code === ErrorCode.connect && causeCode !== undefined && TRANSIENT_NETWORK_CODES.has(causeCode)
  );
}
