import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors-entry.js';
import * as api from '../src/index.js';
import * as balancers from '../src/balancers-entry.js';
import * as internal from '../src/internal.js';
import * as parsers from '../src/parsers.js';

// Every export is a promise to users. A new one (or one gone) must be a decision: change this
// list in the same commit, and say why.
describe('the public API', () => {
  it('@tomcat-pd/core exports exactly these values: what a build script calls or catches', () => {
    expect(Object.keys(api).sort()).toEqual([
      'AbortedError',
      'AnalysisError',
      'ConnectionError',
      'ErrorCode',
      'FleetOperationError',
      'InternalError',
      'NoStatusJsonError',
      'ProbeError',
      'SshError',
      'TomcatFailError',
      'TomcatPdError',
      'UnsafeOperationError',
      'UsageError',
      'WarCheckError',
      'checkWar',
      'closeSshConnections',
      'compareVersions',
      'createManagerClient',
      'deploy',
      'describeApp',
      'drain',
      'drainPeriodically',
      'drainUntilDone',
      'encodeSemver',
      'findLeaksAfter',
      'fleetDeploy',
      'fleetDrainPeriodically',
      'fleetRollback',
      'getHistory',
      'getMetrics',
      'getSessions',
      'getStatus',
      'isTomcatPdError',
      'nextCounterVersion',
      'onEachTarget',
      'planDeploy',
      'planDrain',
      'planRollback',
      'probeApp',
      'rollback',
      'undeployVersion',
      'watchFleet',
    ]);
  });

  // 42 since the SSH layer: its refusals are caught (SshError), and its connections are closed by
  // the script that opened them (closeSshConnections), as a pool's are.
  it('@tomcat-pd/core stays small: at most 42 values', () => {
    expect(Object.keys(api).length).toBeLessThanOrEqual(42);
  });

  it('@tomcat-pd/core/parsers exports the parsers of the Manager texts', () => {
    expect(Object.keys(parsers).sort()).toEqual([
      'classifyFailure',
      'decodeHtmlEntities',
      'expectOk',
      'parseAnswer',
      'parseFindLeaks',
      'parseJavaDate',
      'parseList',
      'parseListLine',
      'parseServerInfo',
      'parseSessions',
      'parseStatusJson',
      'parseStatusPage',
      'splitContextName',
      'tomcatMajorVersion',
      'versionFromDocBase',
    ]);
  });

  it('@tomcat-pd/core/errors (the light entry) has the error classes and the codes, the same as the main entry', () => {
    expect(Object.keys(errors).sort()).toEqual([
      'AbortedError',
      'AnalysisError',
      'ConnectionError',
      'ErrorCode',
      'FleetOperationError',
      'InternalError',
      'NoStatusJsonError',
      'ProbeError',
      'SshError',
      'TomcatFailError',
      'TomcatPdError',
      'UnsafeOperationError',
      'UsageError',
      'WarCheckError',
      'isTomcatPdError',
    ]);
    for (const [name, value] of Object.entries(errors)) expect(value).toBe(api[name as keyof typeof api]);
  });

  // No promise is made for it, but what the command line relies on is still a decision.
  it('@tomcat-pd/core/internal exports exactly these values, none of them public', () => {
    expect(Object.keys(internal).sort()).toEqual([
      'ANALYSIS_DEFAULTS',
      'BALANCER_TYPES',
      'BLUE_GREEN_DEFAULTS',
      'BalancerChangeError',
      'DEFAULT_GRACE_MS',
      'DEFAULT_MAX_RESIDENT',
      'DEFAULT_PARALLEL',
      'DEFAULT_WIDTH',
      'DRAIN_PLAN_DEFAULTS',
      'DRAIN_TARGET_DEFAULTS',
      'LOCK_DEFAULTS',
      'LockLostError',
      'LockTargetError',
      'LockedError',
      'METASPACE_WARNING_SHARE',
      'MIN_ANALYSIS_INTERVAL_MS',
      'PROBE_DEFAULTS',
      'REQUEST_DEFAULTS',
      'RESTART_DEFAULTS',
      'STARTING_CONFIG_ADMIN',
      'STARTING_CONFIG_DEFAULTS',
      'abortRollout',
      'acquireLock',
      'admitWarAhead',
      'blueGreenDeploySpec',
      'decodeRolloutRecord',
      'describeFinding',
      'displayName',
      'drainContextOf',
      'drainLoopContextOf',
      'encodeRolloutRecord',
      'errorData',
      'failsEveryTime',
      'fleetRunContextOf',
      'initialSnapshot',
      'metaspaceUse',
      'parseBlueGreenRollbackOptions',
      'parseCheckWarOptions',
      'parseDrainLoopOptions',
      'parseDrainOptions',
      'parseDrainWaitOptions',
      'parseFleetDeployOptions',
      'parseMetricsOptions',
      'parseRollbackOptions',
      'parseSessionsOptions',
      'parseStatusOptions',
      'parseUndeployOptions',
      'parseWatchFleetOptions',
      'pendingVersions',
      'planRestartRoll',
      'preparePromote',
      'readHistory',
      'readLocks',
      'readMetrics',
      'readSessions',
      'readStatus',
      'redactSecrets',
      'releaseLock',
      'residentOverLimit',
      'runBlueGreenDeploy',
      'runBlueGreenRollback',
      'runContextOf',
      'runDrain',
      'runDrainUntilDone',
      'runFleetDeploy',
      'runFleetDrainPeriodically',
      'runFleetRollback',
      'runLazyWarCheck',
      'runResume',
      'runUndeploy',
      'runWatchFleet',
      'shellRunner',
      'splitListing',
      'toTomcatPdError',
      'validateContextPath',
      'validateVersion',
    ]);
    for (const name of Object.keys(internal)) expect(Object.keys(api)).not.toContain(name);
  });

  it("@tomcat-pd/core/balancers exports the load balancers' layer, none of it in the main entry", () => {
    expect(Object.keys(balancers).sort()).toEqual([
      'ADMIN_STATES',
      'BALANCER_TYPES',
      'BLUE_GREEN_DEFAULTS',
      'BLUE_GREEN_STEPS',
      'BalancerChangeError',
      'BalancerError',
      'BlueGreenError',
      'DRAIN_TARGET_DEFAULTS',
      'RESTART_DEFAULTS',
      'RESTART_STEPS',
      'RestartError',
      'balancersView',
      'blueGreenDeploy',
      'blueGreenRollback',
      'changeMemberState',
      'coloursView',
      'createBalancer',
      'drainTarget',
      'initialBalancersSnapshot',
      'lbStatus',
      'readyTarget',
      'restartTargets',
      'setTargetState',
      'startingConfig',
      'watchBalancers',
      'writeStartingNginxFile',
    ]);
    for (const name of Object.keys(balancers)) expect(Object.keys(api)).not.toContain(name);
  });
});
