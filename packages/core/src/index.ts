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

// Errors: the classes, the codes and their helpers (also alone at @tomcat-pd/core/errors)
export * from './errors-entry.js';
export type { ConnectionFailure, TomcatPdErrorOptions } from './errors/errors.js';
export { libraryWords, renderHint } from './errors/hints.js';
export type {
  BugReportHint,
  HintOption,
  HintPart,
  HintWords,
  OptionHint,
  UndeployHint,
} from './errors/hints.js';

// The Manager client and its data
export { createManagerClient } from './manager/manager-client.js';
export type {
  AppAnswer,
  ClientOptions,
  ContextRef,
  DeployRequest,
  ManagerClient,
  VisitOptions,
} from './manager/manager-client.js';
export type { ManagerTarget, TlsOptions, TransportOptions } from './manager/transport.js';
export type { UploadProgress } from './manager/upload.js';
export type {
  ContextEntry,
  ContextMetrics,
  ContextState,
  FindLeaksAnswer,
  MemoryPool,
  ServerInfo,
  ServerMetrics,
  ServletMetrics,
  SessionBucket,
  SessionInfo,
} from './manager/types.js';
export type { Logger } from './common/logger.js';

// Versions and names: Tomcat's order, the rules a version must follow, context paths
export { compareVersions, greatestVersion, sortVersions } from './versions/version-order.js';
export {
  checkOrdering,
  isValidVersion,
  nextCounterVersion,
  validateVersion,
} from './versions/version-rules.js';
export type { OrderingVerdict } from './versions/version-rules.js';
export { encodeSemver } from './versions/semver-version.js';
export { buildIdOf, withBuildId } from './versions/build-id.js';
export { baseName, displayName, validateContextPath } from './versions/context-name.js';

// The app model: every version of an app with its role
export { describeApp, describeApps } from './ops/app-status.js';
export type { AppStatus, VersionRole, VersionStatus } from './ops/app-status.js';

// Operations: the pure plans, the operations on one target, their fleet forms
export { planDeploy, validateDeployOptions } from './ops/deploy/plan-deploy.js';
export type { DeployPlan, DeployPlanOptions } from './ops/deploy/plan-deploy.js';
export { deploy } from './ops/deploy/deploy.js';
export type { DeployOptions, DeployResult } from './ops/deploy/deploy.js';
export { fleetDeploy } from './ops/deploy/fleet-deploy.js';
export type { FleetDeployOptions, FleetDeployResult } from './ops/deploy/fleet-deploy.js';

export { planRollback } from './ops/rollback/plan-rollback.js';
export type { RollbackPlan, RollbackPlanOptions } from './ops/rollback/plan-rollback.js';
export { rollback } from './ops/rollback/rollback.js';
export type { RollbackOptions, RollbackResult } from './ops/rollback/rollback.js';
export { fleetRollback } from './ops/rollback/fleet-rollback.js';
export type { FleetRollbackOptions } from './ops/rollback/fleet-rollback.js';

export { planDrain } from './ops/drain/plan-drain.js';
export type {
  AppDrainPlan,
  DrainAction,
  DrainCause,
  DrainDecision,
  DrainPlanOptions,
} from './ops/drain/plan-drain.js';
export type { DrainStep } from './ops/drain/drain-step.js';
export { drain } from './ops/drain/drain.js';
export type { DrainOptions, DrainOutcome, DrainReport, DrainVersionReport } from './ops/drain/drain.js';
export { DrainTracker } from './ops/drain/drain-tracker.js';
export type { TrackedVersion, TrackerScope } from './ops/drain/drain-tracker.js';
export { drainPeriodically, drainUntilDone, pendingVersions } from './ops/drain/drain-loop.js';
export type {
  DrainCycle,
  DrainLoopOptions,
  DrainUntilDoneOptions,
  DrainUntilDoneResult,
  VersionEta,
} from './ops/drain/drain-loop.js';
export { fleetDrainPeriodically } from './ops/drain/fleet-drain.js';

export { findLeaksAfter } from './ops/leaks/find-leaks.js';
export { LEAK_CHECK_EVERY_MS } from './ops/leaks/leak-check.js';
export type { LeakCheck } from './ops/leaks/leak-check.js';
export type {
  FindLeaksAfterOptions,
  LeakedApp,
  LeakReport,
  UndeployedVersion,
} from './ops/leaks/find-leaks.js';
export { getSessions, getStatus } from './ops/status/status.js';
export type { SessionsOptions, SessionsReport, StatusOptions, StatusReport } from './ops/status/status.js';
export { checkWar } from './check/lazy-check-war.js';
export type {
  CheckFinding,
  CheckWarOptions,
  FindingId,
  FindingLocation,
  FindingSeverity,
  UnreadableEntry,
  UnreadableKind,
  WarCheckReport,
} from './common/check-report.js';
export { describeFinding } from './ops/deploy/war-gate.js';
export {
  DEFAULT_MAX_RESIDENT,
  METASPACE_WARNING_SHARE,
  metaspaceUse,
  residentOverLimit,
} from './ops/status/resident.js';
export type { MetaspaceUse, ResidentOverLimit } from './ops/status/resident.js';
export { getMetrics } from './ops/metrics/metrics.js';
export type {
  AppWithMetrics,
  MetricsOptions,
  MetricsReport,
  VersionMetrics,
  VersionWithMetrics,
} from './ops/metrics/metrics.js';
export { drainEta, SESSION_SWEEP_LAG_MS } from './ops/metrics/drain-eta.js';
export { getHistory } from './ops/history/history.js';
export { analyzeVersion } from './ops/analyze/analyze-version.js';
export { parseRolloutSteps } from './ops/deploy/rollout-steps.js';
export type { RolloutStep } from './ops/deploy/rollout-steps.js';
export type { AnalyzeVersionOptions } from './ops/analyze/analyze-version.js';
export {
  MIN_ANALYSIS_INTERVAL_MS,
  parseErrorRate,
  validateAnalysisOptions,
} from './ops/analyze/analysis-options.js';
export type { AnalysisOptions } from './ops/analyze/analysis-options.js';
export type { AnalysisReport, AnalysisVerdict, WindowFigures } from './common/analysis-report.js';
export type { HistoryEntry, HistoryOptions, HistoryReport } from './ops/history/history.js';
export type { DrainEta } from './ops/metrics/drain-eta.js';
export { undeployVersion } from './ops/undeploy/undeploy.js';
export type { UndeployOptions, UndeployResult } from './ops/undeploy/undeploy.js';

// Probes: is the app healthy as a new visitor reaches it?
export { probeApp } from './ops/probe/probe-app.js';
export type { ProbeAppOptions } from './ops/probe/probe-app.js';
export { parseStatusRange, validateProbeOptions } from './ops/probe/probe-options.js';
export type { ProbeOptions, ProbePhase, ProbeResult, StatusRange } from './ops/probe/probe-options.js';

// Any operation on every target, each on its own
export { onEachTarget } from './ops/fleet.js';
export type { OnEachTargetOptions, TargetOutcome } from './ops/fleet.js';
