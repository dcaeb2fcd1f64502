/**
 * @tomcat-pd/core/internal: what the `tomcat-pd` command needs besides the public API, and **no
 * promise at all**: any of it may change or go in any release. A build script uses
 * `@tomcat-pd/core` instead.
 *
 * It holds the checked specs and their parsers, so that the command line is checked once, before
 * any request, and the executions that take them (the public functions are `parse` then `run`);
 * the defaults that help texts name; the helpers of the rendering.
 */

// Errors as data and words
export { redactSecrets } from './errors/redact-secrets.js';
export { errorData, toTomcatPdError } from './errors/error-data.js';
export { BalancerChangeError } from './errors/error-classes.js';
export { failsEveryTime } from './ops/lasting-failure.js';

// Defaults the command line names in its help
export { DEFAULT_PARALLEL, fleetRunContextOf, runContextOf } from './ops/run-context.js';
export type { FleetRunContext, RunContext } from './ops/run-context.js';
export { REQUEST_DEFAULTS } from './manager/request-defaults.js';
export { DEFAULT_WIDTH, validateVersion } from './versions/version-rules.js';
export { displayName, validateContextPath } from './versions/context-name.js';
export { PROBE_DEFAULTS } from './ops/probe/probe-options.js';
export type { ProbeSpec } from './ops/probe/probe-options.js';
export { ANALYSIS_DEFAULTS, MIN_ANALYSIS_INTERVAL_MS } from './ops/analyze/analysis-options.js';
export { DEFAULT_GRACE_MS } from './ops/drain/drain-options.js';
export { DRAIN_TARGET_DEFAULTS } from './ops/lb/drain-defaults.js';
export { RESTART_DEFAULTS } from './ops/restart/restart-defaults.js';
export { planRestartRoll } from './ops/restart/restart-targets.js';
export type { RestartPlan } from './ops/restart/plan-restart.js';
export { shellRunner } from './ops/restart/command-runner.js';
export { BLUE_GREEN_DEFAULTS } from './ops/bluegreen/blue-green-defaults.js';
export { blueGreenDeploySpec, parseBlueGreenRollbackOptions } from './ops/bluegreen/blue-green-options.js';
export type { BlueGreenDeploySpec, BlueGreenRollbackSpec } from './ops/bluegreen/blue-green-options.js';
export { runBlueGreenDeploy } from './ops/bluegreen/blue-green-deploy.js';
export { runBlueGreenRollback } from './ops/bluegreen/blue-green-rollback.js';
export { STARTING_CONFIG_ADMIN, STARTING_CONFIG_DEFAULTS } from './balancer/starting-config-defaults.js';
export { BALANCER_TYPES } from './balancer/member-state.js';
export { DRAIN_PLAN_DEFAULTS } from './ops/drain/plan-drain.js';
export {
  DEFAULT_MAX_RESIDENT,
  METASPACE_WARNING_SHARE,
  metaspaceUse,
  residentOverLimit,
} from './ops/status/resident.js';
export type { MetaspaceUse, ResidentOverLimit } from './ops/status/resident.js';

// Each command's options checked (parse), then run
export { parseFleetDeployOptions, runFleetDeploy, runResume } from './ops/deploy/fleet-deploy.js';
export type {
  FleetDeployContext,
  FleetDeploySpec,
  PausedDeploy,
  ResumePlan,
} from './ops/deploy/fleet-deploy.js';
export { decodeRolloutRecord, encodeRolloutRecord } from './ops/promote/rollout-record.js';
export type { RolloutRecord } from './ops/promote/rollout-record.js';
export { preparePromote } from './ops/promote/promote.js';
export { abortRollout } from './ops/promote/abort-rollout.js';
export type { AbortRolloutResult, AbortedTarget } from './ops/promote/abort-rollout.js';
export { parseRollbackOptions } from './ops/rollback/rollback-options.js';
export type { RollbackSpec } from './ops/rollback/rollback-options.js';
export { runFleetRollback } from './ops/rollback/fleet-rollback.js';
export { parseUndeployOptions, runUndeploy } from './ops/undeploy/undeploy.js';
export type { UndeploySpec } from './ops/undeploy/undeploy.js';
export { drainContextOf, parseDrainOptions } from './ops/drain/drain-options.js';
export type { DrainSpec } from './ops/drain/drain-options.js';
export { runDrain } from './ops/drain/drain.js';
export {
  drainLoopContextOf,
  parseDrainLoopOptions,
  parseDrainWaitOptions,
  pendingVersions,
  runDrainUntilDone,
} from './ops/drain/drain-loop.js';
export type { DrainLoopSpec, DrainWaitSpec } from './ops/drain/drain-loop.js';
export { runFleetDrainPeriodically } from './ops/drain/fleet-drain.js';
export { parseSessionsOptions, parseStatusOptions, readSessions, readStatus } from './ops/status/status.js';
export type { SessionsSpec, StatusSpec } from './ops/status/status.js';
export { parseMetricsOptions, readMetrics } from './ops/metrics/metrics.js';
export type { MetricsSpec } from './ops/metrics/metrics.js';
export { readHistory } from './ops/history/history.js';
export { parseWatchFleetOptions, runWatchFleet } from './ops/watch/watch-fleet.js';
export { initialSnapshot } from './ops/watch/fleet-snapshot.js';
export type { WatchSpec } from './ops/watch/watch-fleet.js';
export { parseCheckWarOptions } from './check/check-options.js';
export type { WarCheckSpec } from './check/check-options.js';
export { runLazyWarCheck } from './check/lazy-check-war.js';
export { admitWarAhead, describeFinding } from './ops/deploy/war-gate.js';

// The release lock kept on the targets (docs/lock.md)
export { acquireLock } from './lock/acquire-lock.js';
export { readLocks, splitListing } from './lock/read-locks.js';
export { releaseLock } from './lock/release-lock.js';
export { LOCK_DEFAULTS } from './lock/lock-defaults.js';
export type {
  AcquireLockOptions,
  HeldLock,
  LockHolder,
  LockScope,
  PausedRollout,
  ReadLocksOptions,
  ReleasedLocks,
  ReleaseLockOptions,
  TargetLocks,
} from './lock/lock-types.js';
export { LockedError, LockLostError, LockTargetError } from './errors/lock-errors.js';
export type { LockHolderFacts } from './errors/lock-errors.js';
