/**
 * @tomcat-pd/core: safe parallel deployment for Apache Tomcat.
 *
 * Every export is a promise to users: the list is pinned by `test/public-api.test.ts`, so that a
 * new one is a decision. Deliberately not exported: the transport and its HTTP helpers, the
 * execution halves of the operations (`executeDeploy`, `executeRollback`: the public functions
 * plan and execute under the app lock), `mapLimited`, the reconciliation after a failed deploy,
 * the error factories. The parsers of Tomcat's texts are at `@tomcat-pd/core/parsers`, the
 * errors alone (a light entry) at `@tomcat-pd/core/errors`.
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
  ConnectionError,
  ErrorCode,
  FleetOperationError,
  InternalError,
  TomcatFailError,
  TomcatPdError,
  UnsafeOperationError,
  UsageError,
  errorData,
  isTomcatPdError,
  redactSecrets,
  toTomcatPdError,
} from './errors.js';
export type {
  ConnectionFailure,
  ErrorData,
  ErrorDocument,
  FailKind,
  FleetTargetReport,
  SafetyRule,
  TomcatPdErrorOptions,
} from './errors.js';
export { libraryWords, renderHint } from './hints.js';
export type { BugReportHint, HintOption, HintPart, HintWords, OptionHint, UndeployHint } from './hints.js';

// The Manager client and its data
export { createManagerClient } from './manager-client.js';
export type { ClientOptions, ContextRef, DeployRequest, ManagerClient } from './manager-client.js';
export type { ManagerTarget, TlsOptions, TransportOptions } from './transport.js';
export type { UploadProgress } from './upload.js';
export type { ContextEntry, ContextState, ServerInfo, SessionBucket, SessionInfo } from './types.js';
export type { Logger } from './logger.js';

// Versions and names: Tomcat's order, the rules a version must follow, context paths
export { compareVersions, greatestVersion, sortVersions } from './version-order.js';
export { checkOrdering, isValidVersion, nextCounterVersion, validateVersion } from './version-rules.js';
export type { OrderingVerdict } from './version-rules.js';
export { encodeSemver } from './semver-version.js';
export { baseName, displayName, validateContextPath } from './context-name.js';

// The app model: every version of an app with its role
export { describeApp, describeApps } from './app-status.js';
export type { AppStatus, VersionRole, VersionStatus } from './app-status.js';

// Operations: the pure plans, the operations on one target, their fleet forms
export { planDeploy, validateDeployOptions } from './plan-deploy.js';
export type { DeployPlan, DeployPlanOptions } from './plan-deploy.js';
export { deploy } from './deploy.js';
export type { DeployOptions, DeployResult } from './deploy.js';
export { fleetDeploy } from './fleet-deploy.js';
export type { FleetDeployOptions, FleetDeployResult } from './fleet-deploy.js';

export { planRollback } from './plan-rollback.js';
export type { RollbackPlan, RollbackPlanOptions } from './plan-rollback.js';
export { rollback } from './rollback.js';
export type { RollbackOptions, RollbackResult } from './rollback.js';
export { fleetRollback } from './fleet-rollback.js';
export type { FleetRollbackOptions } from './fleet-rollback.js';

export { describeDrainCause, planDrain } from './plan-drain.js';
export type { AppDrainPlan, DrainAction, DrainCause, DrainDecision, DrainPlanOptions } from './plan-drain.js';
export { describeDrainStep } from './drain-step.js';
export type { DrainStep } from './drain-step.js';
export { drain } from './drain.js';
export type { DrainOptions, DrainOutcome, DrainReport, DrainVersionReport } from './drain.js';
export { DrainTracker } from './drain-tracker.js';
export type { TrackedVersion, TrackerScope } from './drain-tracker.js';
export { drainPeriodically, drainUntilDone, pendingVersions } from './drain-loop.js';
export type {
  DrainCycle,
  DrainLoopOptions,
  DrainUntilDoneOptions,
  DrainUntilDoneResult,
} from './drain-loop.js';
export { fleetDrainPeriodically } from './fleet-drain.js';

export { getSessions, getStatus } from './status.js';
export type { SessionsOptions, SessionsReport, StatusOptions, StatusReport } from './status.js';
export { undeployVersion } from './undeploy.js';
export type { UndeployOptions, UndeployResult } from './undeploy.js';

// Any operation on every target, each on its own
export { onEachTarget } from './fleet.js';
export type { TargetOutcome } from './fleet.js';
