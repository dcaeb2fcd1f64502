/** Stable error codes: scripts and the CLI's exit-code mapping rely on these strings. */
export const ErrorCode = {
  /** 401: wrong user or password, or the user is locked out by Tomcat's LockOutRealm. */
  auth: 'E_AUTH',
  /** 403: the user lacks the `manager-script` role, or the client address is not allowed. */
  forbidden: 'E_FORBIDDEN',
  /** The URL answers, but not as Tomcat's Manager text API (404, HTML, a redirect, ...). */
  notManager: 'E_NOT_MANAGER',
  /** No connection could be made, it broke, or the server stopped answering in time. */
  connect: 'E_CONNECT',
  /** The server (or a proxy in front of it) answered with a 5xx status. */
  server: 'E_SERVER',
  /** Tomcat answered `FAIL - ...`. */
  tomcatFail: 'E_TOMCAT_FAIL',
  /** The app or version named does not exist on the target (a read was sent to find out). */
  notFound: 'E_NOT_FOUND',
  /** Tomcat's answer could not be understood (an unexpected line in a `list`, say). */
  protocol: 'E_PROTOCOL',
  /** The caller's input is invalid; nothing was sent. */
  usage: 'E_USAGE',
  /** A safety rule refused the operation; nothing was changed. */
  unsafe: 'E_UNSAFE',
  /** A step of an operation failed after the server was changed and could not be undone. */
  operation: 'E_OPERATION',
  /** A load balancer answered with an error or with what is not its protocol, or a change it was sent did not take (read back). */
  balancer: 'E_BALANCER',
  /** An SSH connection was refused for a reason of trust or configuration: the host key, the user's key, a forwarding the server forbids. */
  ssh: 'E_SSH',
  /** Another controller holds the release lock of the app or target on a target (docs/lock.md). */
  locked: 'E_LOCKED',
  /** The release lock this process held was found gone (released with --force, or expired) while it ran. */
  lockLost: 'E_LOCK_LOST',
  /** The caller's AbortSignal fired. */
  aborted: 'E_ABORTED',
  /** The app did not answer healthy to a probe (the version it probed was removed, or is named). */
  probe: 'E_PROBE',
  /** A canary analysis found the new version's error rate too high (or had too few requests, when that counts): it was removed. */
  analysis: 'E_ANALYSIS',
  /** A hook of the CLI's config file failed or ran past its timeout (README: Hooks). */
  hook: 'E_HOOK',
  /** An exception the library did not expect: a bug, to be reported. */
  internal: 'E_INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
