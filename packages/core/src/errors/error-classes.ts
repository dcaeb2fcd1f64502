/**
 * One class per code, so that a document's `name` always tells the same kind (a usage error is
 * always a `UsageError`); a class carries typed fields where its kind has facts to tell. Tomcat's
 * `FAIL - ...` answers are `TomcatFailError`s, beside the parser that classifies them
 * (manager/parse/tomcat-fail.ts).
 */
import type { AnalysisReport } from '../common/analysis-report.js';
import type { CheckFinding } from '../common/check-report.js';
import type { ProbeResult } from '../common/probe-result.js';
import { ErrorCode } from './error-codes.js';
import { errorData } from './error-data.js';
import type { HintPart, HintWords } from './hints.js';
import { TomcatPdError, type TomcatPdErrorOptions } from './tomcat-pd-error.js';

/** The caller's input is invalid (`E_USAGE`); nothing was sent. */
export class UsageError extends TomcatPdError {
  constructor(message: string, options: Omit<TomcatPdErrorOptions, 'status'> = {}) {
    super(ErrorCode.usage, message, options);
    this.name = 'UsageError';
  }
}

/**
 * The server has no status page in JSON (Tomcat before 8.5.96, 9.0.83, 10.1.16): what needs the
 * per-version metrics cannot run there (`E_USAGE`, a `UsageError`); what only reads them can do
 * without (`history` shows what `list` knows).
 */
export class NoStatusJsonError extends UsageError {}

/** Shorthand for an invalid-input error: nothing was sent. */
export function usageError(message: string, hint?: string | readonly HintPart[]): UsageError {
  return new UsageError(message, { hint });
}

/** The app or version named is not deployed on the target (`E_NOT_FOUND`). */
export function notFoundError(message: string, hint?: string): TomcatPdError {
  return new TomcatPdError(ErrorCode.notFound, message, { hint });
}

/** The caller's AbortSignal fired (`E_ABORTED`); the message says what was stopped and what was undone. */
export class AbortedError extends TomcatPdError {
  constructor(message: string, options: Pick<TomcatPdErrorOptions, 'url' | 'cause'> = {}) {
    super(ErrorCode.aborted, message, options);
    this.name = 'AbortedError';
  }
}

/** What the transport knows of a failed connection, besides the words. */
export interface ConnectionFailure {
  /** The socket's or TLS layer's code (`ECONNREFUSED`, `ERR_NO_ANSWER`, ...), when there was one. */
  networkCode?: string | undefined;
  /** Whether the same read may well succeed when tried again (Tomcat restarting, a reset). */
  transient: boolean;
  /** The failure in words without its subject (`connection refused (...)`), for a report that names the URL itself. */
  reason?: string | undefined;
  /**
   * Whether the connection broke only after the whole WAR had been sent: Tomcat may have all of
   * it and still be deploying it, so an empty `list` right now proves nothing.
   */
  afterFullUpload?: boolean | undefined;
}

/** No connection could be made, it broke, or no answer came in time (`E_CONNECT`). */
export class ConnectionError extends TomcatPdError {
  readonly networkCode: string | undefined;
  readonly transient: boolean;
  readonly reason: string | undefined;
  readonly afterFullUpload: boolean;

  constructor(
    message: string,
    failure: ConnectionFailure,
    options: Omit<TomcatPdErrorOptions, 'status'> = {},
  ) {
    super(ErrorCode.connect, message, options);
    this.name = 'ConnectionError';
    this.networkCode = failure.networkCode;
    this.transient = failure.transient;
    this.reason = failure.reason;
    this.afterFullUpload = failure.afterFullUpload === true;
  }
}

/** Why an SSH connection was refused (docs/ssh.md), each with its own fix. */
export type SshRefusal =
  /** The host key is not in the known hosts file. */
  | 'unknown-host-key'
  /** The known hosts file holds another key for the host: an interception, or a reinstalled host. */
  | 'changed-host-key'
  /** The known hosts file marks the host's key `@revoked`. */
  | 'revoked-host-key'
  /** sshd accepted none of the keys offered (the key file's, or the agent's). */
  | 'key-refused'
  /** The server forbids forwarding to a TCP port (`AllowTcpForwarding`). */
  | 'tcp-forwarding-refused'
  /**
   * The server says it forbids forwarding to a UNIX socket. OpenSSH's sshd does not say so: its
   * `AllowStreamLocalForwarding no` is answered as a missing socket (a `ConnectionError` naming both).
   */
  | 'socket-forwarding-refused';

/** An SSH connection refused for a reason of trust or configuration (`E_SSH`); nothing was sent through it. */
export class SshError extends TomcatPdError {
  readonly refusal: SshRefusal;
  /** `user@host:port`. */
  readonly destination: string;

  constructor(
    message: string,
    failure: { refusal: SshRefusal; destination: string },
    options: Pick<TomcatPdErrorOptions, 'hint'> = {},
  ) {
    super(ErrorCode.ssh, message, options);
    this.name = 'SshError';
    this.refusal = failure.refusal;
    this.destination = failure.destination;
  }

  protected override details(): Record<string, unknown> {
    return { refusal: this.refusal, destination: this.destination };
  }
}

/** The safety rules an {@link UnsafeOperationError} names. */
export type SafetyRule =
  /** Deploy: the version exists and no update was asked for. */
  | 'no-overwrite'
  /** Deploy: the new version would not be the one Tomcat gives new visitors. */
  | 'ordering-invariant'
  /** Rollback: no version of the app runs. */
  | 'no-live-version'
  /** Rollback: no older version runs to take the traffic. */
  | 'no-older-running-version'
  /** Rollback: the version to go back to is live already, or newer. */
  | 'rollback-target-not-older'
  /** Rollback: the version to go back to is stopped. */
  | 'rollback-target-stopped'
  /** Undeploy: the version is live and the undeploy was not forced. */
  | 'live-version'
  /** Deploy: the WAR fails the parallel-deployment check: a second version could not work (docs/war-check.md). */
  | 'war-check'
  /** lb drain, lb maint: no other member of the balancer would take new visitors afterwards. */
  | 'last-ready-member'
  /** lb ready: an app on the target does not answer (a 5xx, no answer, or its probe fails). */
  | 'not-serving'
  /** restart: fewer than two members of a balancer take new visitors, so nobody would take a restarted one's. */
  | 'too-few-ready'
  /** Blue/green: the live colour cannot be told from the idle one on the balancers (docs/blue-green.md). */
  | 'colours-untold'
  /** Blue/green deploy: the colour to deploy on still holds visitors' sessions (wait for them with --wait-drain). */
  | 'colour-draining'
  /** Promote: the WAR is not the one the paused rollout deployed (its size and SHA-256 differ). */
  | 'same-war';

/** A safety rule refused the operation (`E_UNSAFE`); nothing was changed. */
export class UnsafeOperationError extends TomcatPdError {
  readonly rule: SafetyRule;

  constructor(rule: SafetyRule, message: string, options: TomcatPdErrorOptions = {}) {
    super(ErrorCode.unsafe, message, options);
    this.name = 'UnsafeOperationError';
    this.rule = rule;
  }

  protected override details(): Record<string, unknown> {
    return { rule: this.rule };
  }
}

/**
 * The WAR has findings of severity `error` (`E_UNSAFE`, rule `war-check`): two versions of it
 * cannot run side by side, so it is not deployed; nothing was sent. `findings` are the errors.
 */
export class WarCheckError extends UnsafeOperationError {
  readonly findings: readonly CheckFinding[];

  constructor(message: string, findings: readonly CheckFinding[], options: TomcatPdErrorOptions = {}) {
    super('war-check', message, options);
    this.name = 'WarCheckError';
    this.findings = findings;
  }

  protected override details(): Record<string, unknown> {
    return { ...super.details(), findings: this.findings };
  }
}

/** What happened on one target of a multi-target operation that failed. */
export interface FleetTargetReport {
  target: string;
  /**
   * - `done`: the step succeeded there (and was kept);
   * - `undone`: it succeeded, then was undone because another target failed;
   * - `failed`: it failed there (and was cleaned up, see the error's hint);
   * - `not-started`: nothing was done there.
   */
  outcome: 'done' | 'undone' | 'failed' | 'not-started';
  /** Why it failed there, or why it could not be undone there. */
  error?: TomcatPdError | undefined;
  /** What the probes answered there (a smoke test, the probe after live), if any ran. */
  probes?: readonly ProbeResult[] | undefined;
  /** What the canary analysis found there, if one ran. */
  analysis?: AnalysisReport | undefined;
}

/**
 * A multi-target operation failed on some target. `code` is the first failure's code (so the
 * exit code says why); `targets` says what happened on each target.
 */
export class FleetOperationError extends TomcatPdError {
  readonly targets: readonly FleetTargetReport[];

  /** Without a `hint` of its own, it keeps the first error's (the 401 lock-out, the 403 causes, ...). */
  constructor(
    first: TomcatPdError,
    message: string,
    targets: readonly FleetTargetReport[],
    hint: string | readonly HintPart[] | undefined = first.hintParts,
  ) {
    super(first.code, message, { hint });
    this.name = 'FleetOperationError';
    this.targets = targets;
  }

  protected override details(words: HintWords): Record<string, unknown> {
    return {
      targets: this.targets.map(({ target, outcome, error, probes, analysis }) => ({
        target,
        outcome,
        ...(error === undefined ? {} : { error: errorData(error, words) }),
        ...(probes === undefined || probes.length === 0 ? {} : { probes }),
        ...(analysis === undefined ? {} : { analysis }),
      })),
    };
  }
}

/**
 * The app did not answer healthy (`E_PROBE`). `probes` says what each probe answered; the
 * message says what became of the version (removed, or live and named).
 */
export class ProbeError extends TomcatPdError {
  readonly probes: readonly ProbeResult[];

  constructor(message: string, probes: readonly ProbeResult[], hint?: string) {
    super(ErrorCode.probe, message, { hint });
    this.name = 'ProbeError';
    this.probes = probes;
  }

  protected override details(): Record<string, unknown> {
    return { probes: this.probes };
  }
}

/**
 * The canary analysis undid the new version (`E_ANALYSIS`): its error rate was above the limit,
 * or (when that was asked to count) it served too few requests for a verdict. `analysis` has the
 * figures; the message says what is live now.
 */
export class AnalysisError extends TomcatPdError {
  readonly analysis: AnalysisReport;

  constructor(message: string, analysis: AnalysisReport, hint?: string) {
    super(ErrorCode.analysis, message, { hint });
    this.name = 'AnalysisError';
    this.analysis = analysis;
  }

  protected override details(): Record<string, unknown> {
    return { analysis: this.analysis };
  }
}

/** What a balancer answered, for a {@link BalancerError}. */
export interface BalancerFailure {
  /** The balancer's name in the config. */
  balancer: string;
  /** The member the change or read was about, if one. */
  member?: string | undefined;
  /** What it answered (its error text, `type=ERROR`, the state read back), shortened; never a secret. */
  answer?: string | undefined;
}

/**
 * A load balancer answered with an error or with what is not its protocol, or a change it was
 * sent did not take when read back (`E_BALANCER`). Every balancer answers some mistakes with a
 * text or an HTTP 200 page: this is how they are told apart from a success.
 */
export class BalancerError extends TomcatPdError {
  readonly balancer: string;
  readonly member: string | undefined;
  readonly answer: string | undefined;

  constructor(message: string, failure: BalancerFailure, options: Omit<TomcatPdErrorOptions, 'status'> = {}) {
    super(ErrorCode.balancer, message, options);
    this.name = 'BalancerError';
    this.balancer = failure.balancer;
    this.member = failure.member;
    this.answer = failure.answer;
  }

  protected override details(): Record<string, unknown> {
    return {
      balancer: this.balancer,
      ...(this.member === undefined ? {} : { member: this.member }),
      ...(this.answer === undefined ? {} : { answer: this.answer }),
    };
  }
}

/** What happened on one balancer of a change that failed. */
export interface BalancerChangeReport {
  balancer: string;
  /** The target's member name there. */
  member: string;
  /**
   * - `done`: changed (or had the state already) and kept;
   * - `undone`: changed, then put back to the state it had because another balancer failed;
   * - `failed`: the change failed there (or putting it back did: see `error`);
   * - `not-started`: nothing was sent there.
   */
  outcome: 'done' | 'undone' | 'failed' | 'not-started';
  error?: TomcatPdError | undefined;
}

/**
 * A change of a target's state on several balancers failed on one (all or nothing: the balancers
 * already changed were put back, or `balancers` says where that failed too). `code` is the
 * first failure's, so that the exit code says why.
 */
export class BalancerChangeError extends TomcatPdError {
  readonly balancers: readonly BalancerChangeReport[];

  constructor(first: TomcatPdError, message: string, balancers: readonly BalancerChangeReport[]) {
    super(first.code, message, { hint: first.hintParts });
    this.name = 'BalancerChangeError';
    this.balancers = balancers;
  }

  protected override details(words: HintWords): Record<string, unknown> {
    return {
      balancers: this.balancers.map(({ error, ...report }) => ({
        ...report,
        ...(error === undefined ? {} : { error: errorData(error, words) }),
      })),
    };
  }
}
