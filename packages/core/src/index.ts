/**
 * @tomcat-pd/core: safe parallel deployment for Apache Tomcat.
 *
 * Every export is a promise to users, something a build script calls or catches: the client,
 * the operations and their fleet forms, the pure plans, the errors and their codes, the version
 * helpers. The list is pinned by `test/public-api.test.ts`, so that a new one is a decision.
 * Deliberately not exported: the transport and its HTTP helpers, the checked specs and the
 * executions the public functions parse their options into, `mapLimited`, the reconciliation
 * after a failed deploy, the error factories. The parsers of Tomcat's texts are at
 * `@tomcat-pd/core/parsers`, the errors alone (a light entry) at `@tomcat-pd/core/errors`, and
 * what the `tomcat-pd` command needs besides, with no promise at all, at `@tomcat-pd/core/internal`.
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

// Errors: the classes and the codes (also alone at @tomcat-pd/core/errors)
export * from './errors-entry.js';
export type { ConnectionFailure, FleetTargetReport, SafetyRule } from './errors/error-classes.js';
export type { ErrorData, ErrorDocument, TomcatPdErrorOptions } from './errors/tomcat-pd-error.js';
export type { FailKind } from './manager/parse/tomcat-fail.js';
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
export type { SshOptions } from './ssh/ssh-options.js';
export { closeSshConnections } from './ssh/ssh-pool.js';
export type { UploadProgress } from './manager/upload.js';
export type { SessionIdsAnswer } from './manager/session-ids.js';
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
} from './manager/parse/types.js';
export type { Logger } from './common/logger.js';
export type { FleetRunOptions, RunOptions } from './ops/run-context.js';

// Versions: Tomcat's order, and the versions tomcat-pd gives
export { compareVersions } from './versions/version-order.js';
export { nextCounterVersion } from './versions/version-rules.js';
export { encodeSemver } from './versions/semver-version.js';

// The app model: every version of an app with its role, what the plans decide on
export { describeApp } from './ops/app-status.js';
export type { AppStatus, VersionRole, VersionStatus } from './ops/app-status.js';

// Deploy: the plan, on one target, on a fleet
export { planDeploy } from './ops/deploy/plan-deploy.js';
export type { DeployPlan, DeployPlanOptions } from './ops/deploy/plan-deploy.js';
export { deploy } from './ops/deploy/deploy.js';
export type { DeployResult } from './ops/deploy/deploy.js';
export type { DeployOptions, DeployProgress } from './ops/deploy/deploy-options.js';
export { fleetDeploy } from './ops/deploy/fleet-deploy.js';
export type {
  FleetDeployOptions,
  FleetDeployProgress,
  FleetDeployResult,
} from './ops/deploy/fleet-deploy.js';
export type { RolloutOptions, RolloutPause, RolloutStep } from './ops/deploy/rollout-steps.js';
export type { AnalysisOptions } from './ops/analyze/analysis-options.js';
export type { AnalysisReport, AnalysisVerdict, WindowFigures } from './common/analysis-report.js';

// Rollback and undeploy
export { planRollback } from './ops/rollback/plan-rollback.js';
export type { RollbackPlan, RollbackPlanOptions } from './ops/rollback/plan-rollback.js';
export { rollback } from './ops/rollback/rollback.js';
export type { RollbackResult } from './ops/rollback/rollback.js';
export type { FleetRollbackOptions, RollbackOptions } from './ops/rollback/rollback-options.js';
export { fleetRollback } from './ops/rollback/fleet-rollback.js';
export type { FleetRollbackResult } from './ops/rollback/fleet-rollback.js';
export { undeployVersion } from './ops/undeploy/undeploy.js';
export type { UndeployOptions, UndeployResult } from './ops/undeploy/undeploy.js';

// Drain: the plan, once, until done, on an interval, on a fleet
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
export type { DrainOutcome, DrainReport, DrainVersionReport } from './ops/drain/drain.js';
export type { DrainOptions } from './ops/drain/drain-options.js';
export { drainPeriodically, drainUntilDone } from './ops/drain/drain-loop.js';
export type {
  DrainCycle,
  DrainLoopOptions,
  DrainUntilDoneOptions,
  DrainUntilDoneResult,
  VersionEta,
} from './ops/drain/drain-loop.js';
export { fleetDrainPeriodically } from './ops/drain/fleet-drain.js';
export { findLeaksAfter } from './ops/leaks/find-leaks.js';
export type { LeakCheck } from './ops/leaks/leak-check.js';
export type {
  FindLeaksAfterOptions,
  LeakedApp,
  LeakReport,
  UndeployedVersion,
} from './ops/leaks/find-leaks.js';

// Reads: status, sessions, metrics, history; a fleet watched on an interval
export { getSessions, getStatus } from './ops/status/status.js';
export type { SessionsOptions, SessionsReport, StatusOptions, StatusReport } from './ops/status/status.js';
export { getMetrics } from './ops/metrics/metrics.js';
export type {
  AppWithMetrics,
  MetricsOptions,
  MetricsReport,
  VersionMetrics,
  VersionWithMetrics,
} from './ops/metrics/metrics.js';
export type { DrainEta } from './ops/metrics/drain-eta.js';
export { getHistory } from './ops/history/history.js';
export type { HistoryEntry, HistoryOptions, HistoryReport } from './ops/history/history.js';

// The WAR checklist
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

// Probes: is the app healthy as a new visitor reaches it?
export { probeApp } from './ops/probe/probe-app.js';
export type { ProbeAppOptions } from './ops/probe/probe-app.js';
export type { ProbeOptions, ProbePhase, ProbeResult, StatusRange } from './ops/probe/probe-options.js';

// Any operation on every target, each on its own; every target read on an interval
export { onEachTarget } from './ops/fleet.js';
export type { OnEachTargetOptions, TargetOutcome } from './ops/fleet.js';
export { watchFleet } from './ops/watch/watch-fleet.js';
export type { WatchFailure, WatchFleetOptions } from './ops/watch/watch-fleet.js';
export type {
  FleetSnapshot,
  MetricsSource,
  PendingTarget,
  TargetDown,
  TargetSnapshot,
  TargetUp,
} from './ops/watch/fleet-snapshot.js';
