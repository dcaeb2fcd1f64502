import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors-entry.js';
import * as api from '../src/index.js';
import * as parsers from '../src/parsers.js';

// Every export is a promise to users. A new one (or one gone) must be a decision: change this
// list in the same commit, and say why.
describe('the public API', () => {
  it('@tomcat-pd/core exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'AnalysisError',
      'ConnectionError',
      'DEFAULT_MAX_RESIDENT',
      'DrainTracker',
      'ErrorCode',
      'FleetOperationError',
      'InternalError',
      'LEAK_CHECK_EVERY_MS',
      'METASPACE_WARNING_SHARE',
      'MIN_ANALYSIS_INTERVAL_MS',
      'NoStatusJsonError',
      'ProbeError',
      'SESSION_SWEEP_LAG_MS',
      'TomcatFailError',
      'TomcatPdError',
      'UnsafeOperationError',
      'UsageError',
      'analyzeVersion',
      'baseName',
      'buildIdOf',
      'checkOrdering',
      'compareVersions',
      'createManagerClient',
      'deploy',
      'describeApp',
      'describeApps',
      'displayName',
      'drain',
      'drainEta',
      'drainPeriodically',
      'drainUntilDone',
      'encodeSemver',
      'errorData',
      'findLeaksAfter',
      'fleetDeploy',
      'fleetDrainPeriodically',
      'fleetRollback',
      'getHistory',
      'getMetrics',
      'getSessions',
      'getStatus',
      'greatestVersion',
      'isTomcatPdError',
      'isValidVersion',
      'libraryWords',
      'metaspaceUse',
      'nextCounterVersion',
      'onEachTarget',
      'parseErrorRate',
      'parseRolloutSteps',
      'parseStatusRange',
      'pendingVersions',
      'planDeploy',
      'planDrain',
      'planRollback',
      'probeApp',
      'redactSecrets',
      'renderHint',
      'residentOverLimit',
      'rollback',
      'sortVersions',
      'toTomcatPdError',
      'undeployVersion',
      'validateAnalysisOptions',
      'validateContextPath',
      'validateDeployOptions',
      'validateProbeOptions',
      'validateVersion',
      'withBuildId',
    ]);
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

  it('@tomcat-pd/core/errors (the light entry) has the error classes, the codes and their helpers', () => {
    expect(Object.keys(errors).sort()).toEqual([
      'AnalysisError',
      'ConnectionError',
      'ErrorCode',
      'FleetOperationError',
      'InternalError',
      'NoStatusJsonError',
      'ProbeError',
      'TomcatFailError',
      'TomcatPdError',
      'UnsafeOperationError',
      'UsageError',
      'errorData',
      'isTomcatPdError',
      'redactSecrets',
      'toTomcatPdError',
    ]);
    for (const [name, value] of Object.entries(errors)) expect(value).toBe(api[name as keyof typeof api]);
  });
});
