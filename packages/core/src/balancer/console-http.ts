/**
 * The HTTP exchanges of the two web consoles, mod_jk's status worker and mod_proxy_balancer's
 * balancer-manager: one GET or one form POST, credentials when configured, and every failure as a
 * typed error that names the balancer (a socket failure a `ConnectionError`, a 401 `E_AUTH`, any
 * other status but 200 a `BalancerError`). What a 200 holds is for each driver's parser to judge.
 */
import type http from 'node:http';
import { AbortedError, BalancerError, ConnectionError } from '../errors/error-classes.js';
import { ErrorCode } from '../errors/error-codes.js';
import { TomcatPdError } from '../errors/tomcat-pd-error.js';
import { failureThroughTunnel } from '../ssh/ssh-failures.js';
import type { SshLink } from '../ssh/ssh-pool.js';
import { tunnelAgent } from '../ssh/tunnel-agent.js';
import { readAnswer, type RawAnswer } from '../manager/http-answer.js';
import { getText, NO_ANSWER } from '../manager/http-get.js';
import { errorForAppFailure } from '../manager/http-errors.js';
import { httpModuleFor } from '../manager/http-module.js';
import type { DriverCallOptions } from './balancer-driver.js';

/** What every console exchange needs of a balancer's spec. */
export interface ConsoleTarget {
  readonly name: string;
  readonly url: string;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly timeoutMs: number;
  /** The SSH connection the console is reached through, if any. */
  readonly tunnel?: SshLink | undefined;
}

/** The agent of a request to the console: a channel of its host's SSH connection, or node:http's own. */
function agentOf(target: ConsoleTarget, url: URL): http.Agent | undefined {
  if (target.tunnel === undefined) return undefined;
  return tunnelAgent(target.tunnel, url.protocol === 'https:' ? {} : undefined);
}

/** The console's URL for messages and `address`: without user info, query or fragment. */
export function consoleAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** The headers of every request: the tool's name, and Basic credentials when a user is configured. */
function baseHeaders(target: ConsoleTarget): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': 'tomcat-pd' };
  if (target.user !== undefined && target.user !== '') {
    const pair = `${target.user}:${target.password ?? ''}`;
    headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }
  return headers;
}

/** A GET of the console; the answer when it is HTTP 200. */
export async function consoleGet(
  target: ConsoleTarget,
  url: URL,
  headers: Readonly<Record<string, string>>,
  options: DriverCallOptions,
): Promise<RawAnswer> {
  const answer = await guarded(target, options, () =>
    getText(url, {
      headers: { ...baseHeaders(target), ...headers },
      timeoutMs: target.timeoutMs,
      signal: options.signal,
      agent: agentOf(target, url),
    }),
  );
  return checkedStatus(target, answer);
}

/** A POST of an `application/x-www-form-urlencoded` form; the answer when it is HTTP 200. */
export async function consolePostForm(
  target: ConsoleTarget,
  url: URL,
  form: URLSearchParams,
  headers: Readonly<Record<string, string>>,
  options: DriverCallOptions,
): Promise<RawAnswer> {
  const body = Buffer.from(form.toString(), 'utf8');
  const answer = await guarded(target, options, () =>
    postOnce(
      url,
      body,
      { ...baseHeaders(target), ...headers },
      target.timeoutMs,
      options.signal,
      agentOf(target, url),
    ),
  );
  return checkedStatus(target, answer);
}

/** One POST with node:http, with the same time-out and abort handling as `getText`. */
async function postOnce(
  url: URL,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  agent: http.Agent | undefined,
): Promise<RawAnswer> {
  signal?.throwIfAborted();
  const request = httpModuleFor(url).request(url, {
    method: 'POST',
    agent,
    headers: {
      ...headers,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(body.length),
    },
  });
  const onAbort = () => request.destroy(new Error('The operation was aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    const error = new Error(`no answer within ${timeoutMs} ms`);
    request.destroy(Object.assign(error, { code: NO_ANSWER }));
  }, timeoutMs);
  try {
    const answer = readAnswer(request);
    request.end(body);
    return await answer;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Runs one exchange and maps what went wrong on the way to a typed error naming the balancer. */
async function guarded(
  target: ConsoleTarget,
  options: DriverCallOptions,
  exchange: () => Promise<RawAnswer>,
): Promise<RawAnswer> {
  const address = consoleAddress(target.url);
  try {
    return await exchange();
  } catch (error) {
    if (options.signal?.aborted) {
      throw new AbortedError(`The request to balancer ${target.name} (${address}) was aborted.`, {
        url: address,
      });
    }
    const subject = `Cannot reach balancer ${target.name}'s console at ${address}`;
    const tunnelled = failureThroughTunnel(error, subject, { url: address });
    if (tunnelled !== undefined) throw tunnelled;
    const { code, message } = networkFailure(error);
    // The reason's words and whether it is transient are the transport's; the subject is ours.
    const failure = errorForAppFailure(address, code, message);
    throw new ConnectionError(
      `${subject}: ${failure.reason ?? message}.`,
      { networkCode: code, transient: failure.transient, reason: failure.reason },
      { url: address },
    );
  }
}

function networkFailure(error: unknown): { code: string | undefined; message: string } {
  if (typeof error !== 'object' || error === null) return { code: undefined, message: String(error) };
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : undefined,
    message: typeof message === 'string' && message !== '' ? message : 'network failure',
  };
}

/**
 * Both consoles answer every request they handle with HTTP 200, errors included: any other
 * status comes from httpd around them (401 from `Require valid-user`, 403, 404 for a wrong path).
 */
function checkedStatus(target: ConsoleTarget, answer: RawAnswer): RawAnswer {
  if (answer.status === 200) return answer;
  const address = consoleAddress(target.url);
  if (answer.status === 401) {
    const who = target.user === undefined || target.user === '' ? 'no credentials' : `user '${target.user}'`;
    throw new TomcatPdError(
      ErrorCode.auth,
      `Balancer ${target.name}'s console at ${address} rejected ${who} (HTTP 401).`,
      { url: address, status: 401, hint: "Check the balancer's user and password in the config." },
    );
  }
  throw new BalancerError(
    `Balancer ${target.name}'s console at ${address} answered HTTP ${answer.status}, not its page.`,
    { balancer: target.name, answer: `HTTP ${answer.status}` },
    { url: address, hint: 'Check the balancer\'s "url": it should be the console itself.' },
  );
}
