import type http from 'node:http';
import type https from 'node:https';
import pRetry from 'p-retry';
import { withDefaults, type WithDefaults } from '../common/defaults.js';
import { AbortedError, ConnectionError } from '../errors/error-classes.js';
import { ErrorCode } from '../errors/error-codes.js';
import { isTomcatPdError, TomcatPdError } from '../errors/tomcat-pd-error.js';
import {
  errorForAppFailure,
  errorForNetworkFailure,
  errorForStatus,
  isTransientError,
  type ExchangeContext,
  type NetworkFailureOptions,
} from './http-errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { REQUEST_DEFAULTS } from './request-defaults.js';
import { buildCommandUrl, type ManagerCommand, type ManagerParams } from './manager-request.js';
import { displayManagerUrl, normalizeAppUrl, normalizeManagerUrl } from './manager-url.js';
import type { RawAnswer } from './http-answer.js';
import { getText } from './http-get.js';
import { nodeHttps } from './http-module.js';
import { uploadableFileSize } from '../war/war-file.js';
import { putFile, type UploadOptions } from './upload.js';
import type { CommandRunner } from '../common/command-run.js';
import { parseSshOptions, type SshOptions } from '../ssh/ssh-options.js';
import { sshLinkFor, type SshLink } from '../ssh/ssh-pool.js';
import { tunnelAgent } from '../ssh/tunnel-agent.js';
import { remoteRunner } from '../ssh/remote-command.js';

/** One Tomcat Manager endpoint: the base URL (`http://host:8080/manager`) and a `manager-script` user. */
export interface ManagerTarget {
  /** A name for reports (`web1`); defaults to the URL. */
  name?: string;
  url: string;
  user: string;
  password: string;
  /**
   * Reach the Manager (and the app, for probes) through SSH to its host: `url` and `appUrl` are
   * then as seen from that host (`http://127.0.0.1:8080/manager`). docs/ssh.md.
   */
  ssh?: SshOptions | undefined;
}

export interface TransportOptions {
  /**
   * Time-out of one read or command request. Uploads use a stall watchdog instead.
   * @defaultValue 30 000 (30 s)
   */
  timeoutMs?: number | undefined;
  /**
   * Retries of an idempotent read after a transient failure.
   * @defaultValue 3
   */
  retries?: number | undefined;
  /**
   * First back-off delay; it doubles up to 5 s.
   * @defaultValue 250
   */
  retryDelayMs?: number | undefined;
  /** TLS settings for an `https://` Manager, and for an `https://` app URL. */
  tls?: TlsOptions | undefined;
  /**
   * Where visitors reach Tomcat, for probes: `http://host:8080`.
   * @defaultValue the Manager URL's scheme, host and port
   */
  appUrl?: string | undefined;
  /** @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

const TRANSPORT_DEFAULTS = {
  ...REQUEST_DEFAULTS,
  tls: {},
  logger: silentLogger,
} satisfies TransportOptions;

/** How to trust an `https://` Manager, and how to prove who we are if it asks. */
export interface TlsOptions {
  /** Certificate authorities to trust (PEM), instead of the system's. */
  ca?: string | Buffer | undefined;
  /** Accept any certificate: for tests only; the connection can then be intercepted. */
  insecure?: boolean | undefined;
  /** A client certificate and its key (PEM), for a connector with `certificateVerification`. */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
}

export type UploadRequestOptions = Omit<UploadOptions, 'headers' | 'agent'>;

/**
 * The only place that touches the network, with node:http for reads and the upload alike (an
 * HTTP library cost more start-up time than the whole budget of a deploy against curl; see
 * bench/RESULTS.md). It maps every failure to a {@link TomcatPdError} that holds no secret: the
 * password lives only in a private header field, which `util.inspect` and `JSON.stringify` do
 * not show, and no raw socket error leaves.
 */
export class ManagerTransport {
  readonly name: string;
  readonly managerUrl: string;
  readonly user: string;
  /** Where visitors reach Tomcat (no trailing `/`). */
  readonly appUrl: string;
  readonly #textBase: URL;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #agent: http.Agent | undefined;
  readonly #appAgent: http.Agent | undefined;
  readonly #ssh: SshLink | undefined;
  readonly #options: WithDefaults<TransportOptions, typeof TRANSPORT_DEFAULTS & { appUrl: string }>;

  constructor(target: ManagerTarget, options: TransportOptions = {}) {
    this.#textBase = normalizeManagerUrl(target.url);
    this.managerUrl = displayManagerUrl(this.#textBase);
    // Without a name of its own, a target is named by its URL; visitors reach its Tomcat at its origin.
    this.name = withDefaults({ name: target.name }, { name: this.managerUrl }).name;
    this.user = target.user;
    this.#options = withDefaults(options, { ...TRANSPORT_DEFAULTS, appUrl: this.#textBase.origin });
    this.#headers = {
      // Messages follow Accept-Language on a non-English server; parsers need English.
      'Accept-Language': 'en',
      // Names the tool in Tomcat's access log.
      'User-Agent': 'tomcat-pd',
      // Pre-emptive Basic auth: the server must not reject an upload after its body.
      Authorization: `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`,
    };
    this.#ssh =
      target.ssh === undefined
        ? undefined
        : sshLinkFor(parseSshOptions(target.ssh, `Target ${this.name}`), this.#options.logger);
    this.#agent = agentFor(this.#textBase, this.#ssh, this.#options.tls);
    const appUrl = normalizeAppUrl(this.#options.appUrl);
    this.appUrl = appUrl.origin + appUrl.pathname.replace(/\/+$/, '');
    this.#appAgent = agentFor(appUrl, this.#ssh, this.#options.tls);
  }

  /** Runs a command on the target's own host, over its SSH connection; undefined without one. */
  hostRunner(): CommandRunner | undefined {
    return this.#ssh === undefined ? undefined : remoteRunner(this.#ssh);
  }

  /**
   * A visit of the app as a new visitor makes it: `path` under the app URL, without the Manager's
   * credentials and without cookies, never retried, redirects not followed, at most
   * `maxBodyBytes` of the body read. A failure to connect or answer is a `ConnectionError`.
   */
  async visit(
    path: string,
    options: {
      timeoutMs: number;
      maxBodyBytes: number;
      method?: 'GET' | 'OPTIONS' | undefined;
      signal?: AbortSignal | undefined;
    },
  ): Promise<RawAnswer> {
    const url = new URL(`${this.appUrl}${path}`);
    this.#options.logger.debug?.(`${this.name}: ${options.method ?? 'GET'} ${url.href} (probe)`);
    try {
      return await getText(url, {
        headers: { 'User-Agent': 'tomcat-pd probe' },
        timeoutMs: options.timeoutMs,
        maxBodyBytes: options.maxBodyBytes,
        method: options.method,
        signal: options.signal,
        agent: this.#appAgent,
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw new AbortedError(`The probe of ${url.href} was aborted.`, {
          url: url.href,
        });
      }
      const { code, message } = describeNetworkError(error);
      throw errorForAppFailure(url.href, code, message);
    }
  }

  /** An idempotent read (list, sessions, serverinfo): transient failures are retried with back-off. */
  read(command: ManagerCommand, params: ManagerParams = {}, signal?: AbortSignal): Promise<string> {
    return this.#retried(command, () => this.command(command, params, signal), signal);
  }

  /** A read, as {@link read}, with the server's clock: the answer's `Date` header (docs/lock.md). */
  readDated(
    command: ManagerCommand,
    params: ManagerParams = {},
    signal?: AbortSignal,
  ): Promise<{ body: string; date: Date | undefined }> {
    return this.#retried(
      command,
      async () => {
        const answer = await this.#get(buildCommandUrl(this.#textBase, command, params), command, signal);
        return { body: this.#bodyOf(answer, command), date: answer.date };
      },
      signal,
    );
  }

  /**
   * The status page in JSON, `/manager/status/all?JSON=true` (docs/tomcat-manager.md#status-json),
   * retried like a read. A 404 is an answer (a Tomcat without the page), not an error; what a
   * 200 holds is for the parser to judge. Much slower than `list` on a server with many versions.
   */
  readStatusPage(signal?: AbortSignal): Promise<RawAnswer> {
    return this.#readPage('status', 'status/all?JSON=true', [404], signal);
  }

  /**
   * A JMX proxy request, `/manager/jmxproxy/?<query>` (docs/tomcat-manager.md#jmx-proxy), retried
   * like a read. A 403 (the user lacks `manager-jmx`) and a 404 (a Manager without the proxy)
   * are answers: the caller does without. Only reads go through it.
   */
  readJmxProxy(query: string, signal?: AbortSignal): Promise<RawAnswer> {
    return this.#readPage('jmxproxy', `jmxproxy/?${query}`, [403, 404], signal);
  }

  /** One page beside the text API (`../<page>`): 200 and the `answers` statuses are returned, any other status throws. */
  #readPage(
    label: string,
    page: string,
    answers: readonly number[],
    signal: AbortSignal | undefined,
  ): Promise<RawAnswer> {
    return this.#retried(
      label,
      async () => {
        const url = new URL(`../${page}`, this.#textBase);
        const answer = await this.#get(url, label, signal);
        if (answer.status === 200 || answers.includes(answer.status)) return answer;
        throw errorForStatus(
          answer.status,
          { ...this.#context(label), page: `${this.managerUrl}/${page.split('?')[0]}` },
          answer.location,
        );
      },
      signal,
    );
  }

  /** Runs `attempt` again with back-off while it fails transiently (never after a 401). */
  #retried<T>(label: string, attempt: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const { retries, retryDelayMs, logger } = this.#options;
    const attempts = pRetry(attempt, {
      retries,
      minTimeout: retryDelayMs,
      maxTimeout: 5_000,
      signal,
      shouldRetry: ({ error }) => isTransientError(error),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (retriesLeft > 0 && isTransientError(error)) {
          logger.debug?.(
            `${this.name}: ${label} attempt ${attemptNumber} failed (${error.message}); retrying`,
          );
        }
      },
    });
    // p-retry rejects with the signal's raw reason when it fires between attempts.
    return attempts.catch((error: unknown) => {
      throw signal?.aborted ? this.#aborted(label) : error;
    });
  }

  /** One GET, never retried: for commands that change the server (undeploy, stop, expire, ...). */
  async command(command: ManagerCommand, params: ManagerParams = {}, signal?: AbortSignal): Promise<string> {
    const answer = await this.#get(buildCommandUrl(this.#textBase, command, params), command, signal);
    return this.#bodyOf(answer, command);
  }

  /**
   * A `PUT` of a WAR held in memory to `deploy` (the lock's records, a few hundred bytes), with the
   * read time-out. Never retried, like {@link upload}.
   */
  async uploadBytes(params: ManagerParams, war: Uint8Array, signal?: AbortSignal): Promise<string> {
    const url = buildCommandUrl(this.#textBase, 'deploy', params);
    return this.#bodyOf(await this.#get(url, 'deploy', signal, war), 'deploy');
  }

  /** One authenticated GET of the Manager (a PUT with `body`); a network failure is mapped, any status is returned. */
  async #get(
    url: URL,
    label: string,
    signal: AbortSignal | undefined,
    body?: Uint8Array,
  ): Promise<RawAnswer> {
    const method = body === undefined ? 'GET' : 'PUT';
    this.#options.logger.debug?.(`${this.name}: ${method} ${url.pathname}${url.search}`);
    try {
      return await getText(url, {
        headers: this.#headers,
        timeoutMs: this.#options.timeoutMs,
        signal,
        agent: this.#agent,
        method,
        body,
      });
    } catch (error) {
      throw this.#mapFailure(error, label, signal);
    }
  }

  /** The streamed PUT of a WAR to `deploy`. Never retried: the caller reconciles from `list`. */
  async upload(params: ManagerParams, warFile: string, options: UploadRequestOptions = {}): Promise<string> {
    const url = buildCommandUrl(this.#textBase, 'deploy', params);
    const size = await uploadableFileSize(warFile);
    this.#options.logger.debug?.(`${this.name}: PUT ${url.pathname}${url.search}`);
    let answer: RawAnswer;
    let sentInFull = false;
    try {
      answer = await putFile(
        url,
        { path: warFile, size },
        {
          ...options,
          onProgress: (progress) => {
            // Every byte handed to the socket (the 'finish' event can lose a race with a reset).
            sentInFull ||= progress.sentBytes === progress.totalBytes;
            options.onProgress?.(progress);
          },
          headers: { ...this.#headers },
          agent: this.#agent,
        },
      );
    } catch (error) {
      const failure = this.#mapFailure(error, 'deploy', options.signal, { afterFullUpload: sentInFull });
      throw isBrokenPipe(failure) ? await this.#explainBrokenUpload(failure) : failure;
    }
    return this.#bodyOf(answer, 'deploy');
  }

  /**
   * Tomcat answers 401/403 without reading a large body and closes the connection, and Node
   * often reports the broken pipe instead of the answer (docs/tomcat-manager.md#big-uploads-and-credentials). A small read
   * tells whether the credentials were the cause.
   */
  async #explainBrokenUpload(failure: TomcatPdError): Promise<TomcatPdError> {
    try {
      await this.command('serverinfo');
    } catch (probe) {
      if (
        probe instanceof TomcatPdError &&
        (probe.code === ErrorCode.auth || probe.code === ErrorCode.forbidden)
      ) {
        return probe;
      }
    }
    return failure;
  }

  #bodyOf(answer: RawAnswer, command: string): string {
    if (answer.status !== 200) throw errorForStatus(answer.status, this.#context(command), answer.location);
    return answer.body;
  }

  #mapFailure(
    error: unknown,
    command: string,
    signal: AbortSignal | undefined,
    where: NetworkFailureOptions = {},
  ): TomcatPdError {
    if (signal?.aborted) return this.#aborted(command);
    // Already explained (the WAR changed during the upload): not a network failure.
    if (isTomcatPdError(error)) return error;
    const { code, message } = describeNetworkError(error);
    return errorForNetworkFailure(code, message, this.#context(command), where);
  }

  #aborted(command: string): TomcatPdError {
    return new AbortedError(`${command} at ${this.managerUrl} was aborted.`, {
      url: this.managerUrl,
    });
  }

  #context(command: string): ExchangeContext {
    const { timeoutMs, retries } = this.#options;
    return { managerUrl: this.managerUrl, user: this.user, command, timeoutMs, readAttempts: retries + 1 };
  }
}

/**
 * The agent of requests to `url`: a channel of the host's SSH connection when the target is
 * reached through SSH, TLS for `https:`, node:http's own otherwise.
 */
function agentFor(url: URL, ssh: SshLink | undefined, tls: TlsOptions): http.Agent | undefined {
  const secure = url.protocol === 'https:' ? tlsConnectionOptions(tls) : undefined;
  if (ssh !== undefined) return tunnelAgent(ssh, secure);
  return secure === undefined ? undefined : new (nodeHttps().Agent)(secure);
}

function tlsConnectionOptions(tls: TlsOptions): https.AgentOptions {
  return { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.insecure !== true };
}

/** Reads only `code` and `message` of a socket, TLS or time-out error. */
function describeNetworkError(error: unknown): { code: string | undefined; message: string } {
  if (typeof error !== 'object' || error === null) return { code: undefined, message: String(error) };
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  // Trying several addresses of a host name fails with an AggregateError; each error has the code.
  const firstCode = Array.isArray(errors) ? (errors[0] as { code?: unknown } | undefined)?.code : undefined;
  const known = typeof code === 'string' ? code : firstCode;
  return {
    code: typeof known === 'string' ? known : undefined,
    message: typeof message === 'string' && message !== '' ? message : 'network failure',
  };
}

function isBrokenPipe(failure: TomcatPdError): failure is ConnectionError {
  return (
    failure instanceof ConnectionError &&
    (failure.networkCode === 'EPIPE' || failure.networkCode === 'ECONNRESET')
  );
}
