/**
 * Realistic inputs for the CLI's documents and renderings, typed with the core's exported
 * types: several targets, a ROOT app `/`, an unversioned context, a stopped version, an app
 * with no live version (`live: undefined`), drain outcomes of every kind, failed targets.
 * Each builder returns a fresh object, so a test may change its copy.
 */
import {
  ErrorCode,
  TomcatFailError,
  TomcatPdError,
  type DrainReport,
  type FleetDeployResult,
  type RollbackResult,
  type SessionsReport,
  type StatusReport,
  type UndeployResult,
} from '@tomcat-pd/core';
import type { TargetError } from '../../src/target-outcomes.js';
import type { MetricsReport, TargetSnapshot } from '@tomcat-pd/core';

// Errors of targets that failed

/** A target that cannot be reached (E_CONNECT), without a hint. */
export function connectError(target = 'web3'): TomcatPdError {
  return new TomcatPdError(
    ErrorCode.connect,
    `Cannot reach the Manager at http://${target}:8080/manager (list): connection refused (is Tomcat running, and is the host and port right?).`,
    { url: `http://${target}:8080/manager` },
  );
}

/** serve's snapshot of a target that could not be read at `readAt` (3 ms, connection refused). */
export function downTarget(readAt: number, target = 'web3'): TargetSnapshot {
  return {
    state: 'down',
    target,
    managerUrl: `http://${target}:8080/manager`,
    readAt,
    durationMs: 3,
    error: connectError(target),
    readAgain: true,
  };
}

/** A target that rejects the credentials (E_AUTH), with a hint, a status and a URL. */
export function authError(target = 'web2'): TomcatPdError {
  return new TomcatPdError(
    ErrorCode.auth,
    `Tomcat rejected the credentials of user 'deployer' (HTTP 401) at http://${target}:8080/manager.`,
    {
      url: `http://${target}:8080/manager`,
      status: 401,
      hint: 'Check the user and password.',
    },
  );
}

/** Tomcat answered `FAIL - ...` (E_TOMCAT_FAIL). */
export function tomcatFailError(): TomcatFailError {
  return new TomcatFailError('undeploy', 'No context exists named [&#47;shop##003]', 'no-context', {
    url: 'http://web4:8080/manager',
  });
}

/** web2 rejected the credentials, web3 cannot be reached. */
export function targetErrors(): TargetError[] {
  return [
    { target: 'web2', error: authError('web2') },
    { target: 'web3', error: connectError('web3') },
  ];
}

// status

/** ROOT (unversioned, live) and /shop with a stopped, a draining and the live version. */
/** A status as a watch reads it before any status page: no metrics, and the list's time as readAt. */
export function withoutMetrics(status: StatusReport, readAt: number): MetricsReport {
  return {
    ...status,
    readAt,
    metaspace: undefined,
    apps: status.apps.map((app) => ({
      ...app,
      versions: app.versions.map((version) => ({ ...version, metrics: undefined })),
    })),
  };
}

export function statusWeb1(): StatusReport {
  return {
    target: 'web1',
    managerUrl: 'http://web1:8080/manager',
    apps: [
      {
        path: '/',
        live: '',
        versions: [{ path: '/', version: '', state: 'running', sessions: 4, name: 'ROOT', role: 'live' }],
      },
      {
        path: '/shop',
        live: '004',
        versions: [
          {
            path: '/shop',
            version: '002',
            state: 'stopped',
            sessions: 0,
            name: 'shop##002',
            role: 'stopped',
          },
          {
            path: '/shop',
            version: '003',
            state: 'running',
            sessions: 2,
            name: 'shop##003',
            role: 'draining',
          },
          { path: '/shop', version: '004', state: 'running', sessions: 12, name: 'shop##004', role: 'live' },
        ],
      },
    ],
  };
}

/** /api: an unversioned drained context below the live 002; /shop: nothing runs (`live: undefined`). */
export function statusWeb2(): StatusReport {
  return {
    target: 'web2',
    managerUrl: 'http://web2:8080/manager',
    apps: [
      {
        path: '/api',
        live: '002',
        versions: [
          { path: '/api', version: '', state: 'running', sessions: 0, name: 'api', role: 'drained' },
          { path: '/api', version: '002', state: 'running', sessions: 1, name: 'api##002', role: 'live' },
        ],
      },
      {
        path: '/shop',
        live: undefined,
        versions: [
          {
            path: '/shop',
            version: '004',
            state: 'stopped',
            sessions: 0,
            name: '/opt/tomcat/webapps/shop##004.war',
            role: 'stopped',
          },
        ],
      },
    ],
  };
}

/** A target that answered with no application. */
export function statusEmpty(target = 'web3'): StatusReport {
  return { target, managerUrl: `http://${target}:8080/manager`, apps: [] };
}

// sessions

/** /shop on web1: a drained version (no sessions), a draining one (a histogram), the live one (1 session). */
export function sessionsWeb1(): SessionsReport {
  return {
    target: 'web1',
    path: '/shop',
    versions: [
      { version: '002', role: 'drained', sessions: { defaultMaxInactiveMinutes: 30, buckets: [], total: 0 } },
      {
        version: '003',
        role: 'draining',
        sessions: {
          defaultMaxInactiveMinutes: 30,
          buckets: [
            { label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 },
            { label: '1 - <2', fromMinutes: 1, toMinutes: 2, count: 0 },
            { label: '2 - <3', fromMinutes: 2, toMinutes: 3, count: 2 },
            { label: '>=30', fromMinutes: 30, toMinutes: null, count: 4 },
          ],
          total: 7,
        },
      },
      {
        version: '004',
        role: 'live',
        sessions: {
          defaultMaxInactiveMinutes: 30,
          buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 }],
          total: 1,
        },
      },
    ],
  };
}

/** /shop on web2: unversioned and live, a web app without a session timeout (-1). */
export function sessionsWeb2(): SessionsReport {
  return {
    target: 'web2',
    path: '/shop',
    versions: [
      {
        version: '',
        role: 'live',
        sessions: {
          defaultMaxInactiveMinutes: -1,
          buckets: [{ label: 'unlimited', fromMinutes: 0, toMinutes: null, count: 3 }],
          total: 3,
        },
      },
    ],
  };
}

// deploy

type DeployTarget = FleetDeployResult['targets'][number];

export function deployTarget(
  target: string,
  previousLive: string | undefined,
  olderVersions: DeployTarget['olderVersions'],
  overrides: Partial<DeployTarget> = {},
): DeployTarget {
  return {
    target,
    path: '/shop',
    version: '004',
    displayName: '/shop##004',
    live: '004',
    previousLive,
    olderVersions,
    bytes: 52_428_800,
    durationMs: 8_342,
    probes: [],
    ...overrides,
  };
}

// rollback

/** web1: undeployed two versions, 3 sessions lost; web2: stopped one, 1 session lost; web3: back to unversioned. */
export function rollbackTargets(): RollbackResult[] {
  return [
    {
      target: 'web1',
      path: '/shop',
      from: '005',
      live: '003',
      action: 'undeployed',
      versions: ['005', '004'],
      sessionsLost: 3,
      warnings: [],
      probes: [],
    },
    {
      target: 'web2',
      path: '/shop',
      from: '005',
      live: '004',
      action: 'stopped',
      versions: ['005'],
      sessionsLost: 1,
      warnings: [
        'Stopped versions start again when Tomcat restarts and then take new visitors; undeploy 005 once the rollback is final.',
      ],
      probes: [],
    },
    {
      target: 'web3',
      path: '/shop',
      from: '001',
      live: '',
      action: 'undeployed',
      versions: ['001'],
      sessionsLost: 0,
      warnings: [],
      probes: [],
    },
  ];
}

// undeploy

export function undeployResult(
  target: string,
  wasLive: boolean,
  sessionsLost: number,
  overrides: Partial<UndeployResult> = {},
): UndeployResult {
  return { target, path: '/shop', version: '003', wasLive, sessionsLost, probes: [], ...overrides };
}

// drain

/**
 * web1, not a dry run: ROOT (unversioned, live) kept; /shop with one version of each outcome
 * of an actual drain but `skipped`: undeployed, failed, waiting, kept (draining), kept (live),
 * kept (stopped, newer than the live one).
 */
export function drainWeb1(): DrainReport {
  return {
    target: 'web1',
    dryRun: false,
    apps: [
      {
        path: '/',
        live: '',
        versions: [
          {
            version: '',
            state: 'running',
            role: 'live',
            sessions: 4,
            action: 'keep',
            cause: { kind: 'live' },
            reason: 'live',
            outcome: 'kept',
          },
        ],
      },
      {
        path: '/shop',
        live: '005',
        versions: [
          {
            version: '001',
            state: 'stopped',
            role: 'stopped',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'stopped-older' },
            reason: 'stopped, older than the live version',
            outcome: 'undeployed',
          },
          {
            version: '002',
            state: 'running',
            role: 'drained',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'drained' },
            reason: 'drained: no sessions',
            outcome: 'failed',
            error: new TomcatFailError(
              'undeploy',
              'Unable to delete [/opt/tomcat/webapps/shop##002]',
              'other',
            ),
            detail: 'Tomcat refused undeploy: Unable to delete [/opt/tomcat/webapps/shop##002]',
          },
          {
            version: '003',
            state: 'running',
            role: 'drained',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'drained' },
            reason: 'drained: no sessions',
            outcome: 'waiting',
            graceLeftMs: 6_200,
            detail: 'drained; waiting 7 s more of the grace period',
          },
          {
            version: '004',
            state: 'running',
            role: 'draining',
            sessions: 3,
            action: 'keep',
            cause: { kind: 'has-sessions', sessions: 3 },
            reason: 'draining: 3 sessions',
            outcome: 'kept',
          },
          {
            version: '005',
            state: 'running',
            role: 'live',
            sessions: 9,
            action: 'keep',
            cause: { kind: 'live' },
            reason: 'live',
            outcome: 'kept',
          },
          {
            version: '006',
            state: 'stopped',
            role: 'stopped',
            sessions: 0,
            action: 'keep',
            cause: { kind: 'roll-forward-target' },
            reason:
              'stopped and newer than the live version: kept for a roll-forward (undeploy it explicitly)',
            outcome: 'kept',
          },
        ],
      },
    ],
    undeployed: 1,
    failed: 1,
    probes: [],
  };
}

/**
 * web2, not a dry run: /legacy where nothing runs (`live: undefined`); /shop with an
 * expire-then-undeploy that undeployed (with a detail), a version skipped on re-check, a
 * rollback target, and the live one.
 */
export function drainWeb2(): DrainReport {
  return {
    target: 'web2',
    dryRun: false,
    apps: [
      {
        path: '/legacy',
        live: undefined,
        versions: [
          {
            version: '001',
            state: 'stopped',
            role: 'stopped',
            sessions: 0,
            action: 'keep',
            cause: { kind: 'no-live-version' },
            reason: 'no version of this app runs, so none is drained',
            outcome: 'kept',
          },
        ],
      },
      {
        path: '/shop',
        live: '005',
        versions: [
          {
            version: '002',
            state: 'running',
            role: 'draining',
            sessions: 2,
            action: 'expire-then-undeploy',
            cause: { kind: 'expire-idle', sessions: 2, idleMinutes: 30 },
            reason: '2 sessions: expire those idle for 30+ minutes, then undeploy if none is left',
            outcome: 'undeployed',
            expiredSessions: 2,
            detail: '2 idle sessions expired',
          },
          {
            version: '003',
            state: 'running',
            role: 'drained',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'drained' },
            reason: 'drained: no sessions',
            outcome: 'skipped',
            recheck: { kind: 'has-sessions', sessions: 1 },
            detail: 'on re-check: draining: 1 session',
          },
          {
            version: '004',
            state: 'running',
            role: 'drained',
            sessions: 0,
            action: 'keep',
            cause: { kind: 'rollback-target', keep: 1 },
            reason: 'kept for rollback (keep 1)',
            outcome: 'kept',
          },
          {
            version: '005',
            state: 'running',
            role: 'live',
            sessions: 2,
            action: 'keep',
            cause: { kind: 'live' },
            reason: 'live',
            outcome: 'kept',
          },
        ],
      },
    ],
    undeployed: 1,
    failed: 0,
    probes: [],
  };
}

/** A dry run of /shop: two versions planned (a stopped and a drained one), a draining one kept. */
export function drainDryRun(target = 'web1'): DrainReport {
  return {
    target,
    dryRun: true,
    apps: [
      {
        path: '/shop',
        live: '005',
        versions: [
          {
            version: '001',
            state: 'stopped',
            role: 'stopped',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'stopped-older' },
            reason: 'stopped, older than the live version',
            outcome: 'planned',
          },
          {
            version: '003',
            state: 'running',
            role: 'drained',
            sessions: 0,
            action: 'undeploy',
            cause: { kind: 'drained' },
            reason: 'drained: no sessions',
            outcome: 'planned',
          },
          {
            version: '004',
            state: 'running',
            role: 'draining',
            sessions: 3,
            action: 'keep',
            cause: { kind: 'has-sessions', sessions: 3 },
            reason: 'draining: 3 sessions',
            outcome: 'kept',
          },
          {
            version: '005',
            state: 'running',
            role: 'live',
            sessions: 9,
            action: 'keep',
            cause: { kind: 'live' },
            reason: 'live',
            outcome: 'kept',
          },
        ],
      },
    ],
    undeployed: 0,
    failed: 0,
    probes: [],
  };
}

/** A target that answered with no application. */
export function drainEmpty(target = 'web3', dryRun = false): DrainReport {
  return { target, dryRun, apps: [], undeployed: 0, failed: 0, probes: [] };
}
