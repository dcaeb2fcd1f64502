/**
 * @tomcat-pd/core: safe parallel deployment for Apache Tomcat.
 *
 * @example
 * import { createManagerClient, deploy, drain } from '@tomcat-pd/core';
 *
 * const client = createManagerClient({
 *   url: 'http://localhost:8080/manager',
 *   user: 'deployer',
 *   password: process.env.TOMCAT_PD_PASSWORD ?? '',
 * });
 * const result = await deploy(client, { path: '/shop', warFile: 'target/shop.war' });
 * console.log(`live: ${result.displayName}`);
 * const report = await drain(client, { path: '/shop', keep: 1 });
 * console.log(`undeployed ${report.undeployed} drained versions`);
 */

// Errors
export {
  ErrorCode,
  TomcatFailError,
  TomcatPdError,
  UnsafeOperationError,
  isTomcatPdError,
  redactSecrets,
  usageError,
  notFoundError,
  asTomcatPdError,
  FleetOperationError,
} from './errors.js';
export type { ErrorCodeValue, FailKind, FleetTargetReport, TomcatPdErrorOptions } from './errors.js';

// The Manager client and its data
export { createManagerClient } from './manager-client.js';
export type { ClientOptions, ContextRef, DeployRequest, ManagerClient } from './manager-client.js';
export type { ManagerTarget, TlsOptions, TransportOptions } from './transport.js';
export type { UploadProgress } from './upload.js';
export type { ContextEntry, ContextState, ServerInfo, SessionBucket, SessionInfo } from './types.js';
export type { Logger } from './logger.js';

// Pure parsers and names (for tools that read Manager texts themselves)
export { parseAnswer, expectOk, classifyFailure, decodeHtmlEntities } from './parse-response.js';
export type { ManagerAnswer } from './parse-response.js';
export { parseList } from './parse-list.js';
export { parseSessions } from './parse-sessions.js';
export { parseServerInfo, tomcatMajorVersion } from './parse-serverinfo.js';
export { baseName, displayName, validateContextPath, versionFromDocBase } from './context-name.js';

// Versions
export { compareVersions, greatestVersion, sortVersions } from './version-order.js';
export { checkOrdering, isValidVersion, nextCounterVersion, validateVersion } from './version-rules.js';
export type { OrderingVerdict } from './version-rules.js';
export { encodeSemver } from './semver-version.js';

// Operations: plans (pure) and their execution
export { describeApp, describeApps } from './app-status.js';
export type { AppStatus, VersionRole, VersionStatus } from './app-status.js';
export { planDeploy, validateDeployOptions } from './plan-deploy.js';
export type { DeployPlan, DeployPlanOptions } from './plan-deploy.js';
export { deploy, executeDeploy } from './deploy.js';
export { fleetDeploy } from './fleet-deploy.js';
export type { FleetDeployOptions, FleetDeployResult } from './fleet-deploy.js';
export { DEFAULT_PARALLEL, mapLimited, onEachTarget } from './fleet.js';
export type { TargetOutcome } from './fleet.js';
export type { DeployOptions, DeployResult } from './deploy.js';
export { getSessions, getStatus } from './status.js';
export type { SessionsReport, StatusReport } from './status.js';
export { planRollback } from './plan-rollback.js';
export type { RollbackPlan, RollbackPlanOptions } from './plan-rollback.js';
export { executeRollback, rollback } from './rollback.js';
export { fleetRollback } from './fleet-rollback.js';
export type { FleetRollbackOptions } from './fleet-rollback.js';
export type { RollbackOptions, RollbackResult } from './rollback.js';
export { planDrain } from './plan-drain.js';
export { failedBeforeUnpacking } from './failed-start.js';
export type { AppDrainPlan, DrainAction, DrainDecision, DrainPlanOptions } from './plan-drain.js';
export { drain } from './drain.js';
export type { DrainOptions, DrainOutcome, DrainReport, DrainVersionReport } from './drain.js';
export { DrainTracker } from './drain-tracker.js';
export {
  drainPeriodically,
  drainUntilDone,
  pendingVersions,
  type DrainCycle,
  type DrainLoopOptions,
  type DrainUntilDoneOptions,
  type DrainUntilDoneResult,
} from './drain-loop.js';
export { undeployVersion } from './undeploy.js';
export type { UndeployOptions, UndeployResult } from './undeploy.js';
export { checkWarFile } from './war-file.js';
