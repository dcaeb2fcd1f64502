/**
 * @tomcat-pd/core/balancers: the load balancers in front of the Tomcats (HAProxy, mod_jk,
 * mod_proxy_balancer, nginx). A balancer from its options (`createBalancer`), each member's state
 * beside its Tomcat's sessions (`lbStatus`), a target drained, put in maintenance or made ready on
 * every balancer that has it, all or nothing (`drainTarget`, `setTargetState`, `readyTarget`),
 * every balancer read on an interval (`watchBalancers`) and shown beside a fleet's snapshot
 * (`balancersView`), every Tomcat restarted in turn (`restartTargets`), blue/green releases
 * between two colours of Tomcats (`blueGreenDeploy`, `blueGreenRollback`).
 * An entry of its own, so that a build script that only deploys loads none of it.
 *
 * @example
 * ```ts
 * import { createBalancer, drainTarget } from '@tomcat-pd/core/balancers';
 * const lb = createBalancer({ name: 'lb1', type: 'haproxy', socket: '/run/haproxy/admin.sock', backend: 'shop' });
 * await drainTarget({ balancers: [lb], target: 'web1', client: web1, wait: true });
 * ```
 */
export { createBalancer } from './balancer/create-balancer.js';
export type { Balancer } from './balancer/balancer.js';
export type { BalancerDriver, DriverCallOptions } from './balancer/balancer-driver.js';
export type {
  BalancerOptions,
  HaproxyBalancerOptions,
  ModJkBalancerOptions,
  ModProxyBalancerOptions,
  NginxBalancerOptions,
} from './balancer/balancer-options.js';
export { ADMIN_STATES, BALANCER_TYPES } from './balancer/member-state.js';
export type {
  AdminState,
  BalancerReading,
  BalancerType,
  Health,
  MemberReading,
} from './balancer/member-state.js';
export { startingConfig } from './balancer/starting-config.js';
export { writeStartingNginxFile } from './balancer/nginx/starting-file.js';
export type { StartingConfigOptions, StartingConfigTarget } from './balancer/starting-config-options.js';
export { changeMemberState } from './balancer/change-member-state.js';
export type { MemberChange } from './balancer/change-member-state.js';
export { lbStatus } from './ops/lb/lb-status.js';
export type {
  BalancerMembers,
  LbBalancerStatus,
  LbColours,
  LbMemberOfTarget,
  LbMemberStatus,
  LbStatusOptions,
  LbStatusReport,
  LbTargetStatus,
} from './ops/lb/lb-status.js';
export { setTargetState } from './ops/lb/set-target-state.js';
export type {
  BalancerStateChange,
  TargetStateOptions,
  TargetStateReport,
} from './ops/lb/set-target-state.js';
export { drainTarget } from './ops/lb/drain-target.js';
export { DRAIN_TARGET_DEFAULTS } from './ops/lb/drain-defaults.js';
export type { DrainTargetOptions, DrainTargetReport } from './ops/lb/drain-target.js';
export type { DrainProgress } from './ops/lb/wait-drained.js';
export { readyTarget } from './ops/lb/ready-target.js';
export type { ReadyTargetOptions } from './ops/lb/ready-target.js';
export { BalancerChangeError, BalancerError } from './errors/error-classes.js';
export type { BalancerChangeReport, BalancerFailure } from './errors/error-classes.js';
export { watchBalancers } from './ops/watch/watch-balancers.js';
export type { WatchBalancersOptions } from './ops/watch/watch-balancers.js';
export { balancersView, coloursView, initialBalancersSnapshot } from './ops/watch/balancer-snapshot.js';
export type { Colours, ColoursReading, ColoursUntold, MixedTarget } from './ops/lb/colours.js';
export type {
  BalancerDown,
  BalancerSnapshot,
  BalancersSnapshot,
  BalancerUp,
  BalancerView,
  BalancerViewUp,
  PendingBalancer,
} from './ops/watch/balancer-snapshot.js';
export { restartTargets } from './ops/restart/restart-targets.js';
export { RESTART_DEFAULTS } from './ops/restart/restart-defaults.js';
export { RestartError } from './ops/restart/restart-error.js';
export { RESTART_STEPS } from './ops/restart/restart-report.js';
export type { RestartOptions } from './ops/restart/restart-options.js';
export type { CommandExit, CommandRun, CommandRunner } from './common/command-run.js';
export type {
  RestartReport,
  RestartStep,
  RestartStepRecord,
  TargetRestartReport,
} from './ops/restart/restart-report.js';
export { blueGreenDeploy } from './ops/bluegreen/blue-green-deploy.js';
export { blueGreenRollback } from './ops/bluegreen/blue-green-rollback.js';
export { BLUE_GREEN_DEFAULTS } from './ops/bluegreen/blue-green-defaults.js';
export { BlueGreenError } from './ops/bluegreen/blue-green-error.js';
export { BLUE_GREEN_STEPS } from './ops/bluegreen/blue-green-report.js';
export type {
  BlueGreenDeployOptions,
  BlueGreenRollbackOptions,
  SwitchOptions,
} from './ops/bluegreen/blue-green-options.js';
export type {
  BlueGreenDeployReport,
  BlueGreenRollbackReport,
  BlueGreenStep,
  BlueGreenStepRecord,
  BlueGreenSwitchReport,
} from './ops/bluegreen/blue-green-report.js';
export type { PreviousColourPin } from './ops/bluegreen/pins.js';
