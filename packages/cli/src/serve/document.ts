import type { MetricsReport } from '@tomcat-pd/core';
import type { BalancerView } from '@tomcat-pd/core/balancers';
import { coloursDocument } from '../render/colours.js';
import type { LbView } from './lb-section.js';
import { DEFAULT_MAX_RESIDENT, errorData, type RolloutRecord } from '@tomcat-pd/core/internal';
import { pausedRolloutDocument } from '../render/paused-rollout.js';
import { cliWords } from '../hint-words.js';
import { metricsDocument } from '../render/metrics.js';
import { statusWarnings } from '../render/status-warnings.js';
import type { TargetError } from '../target-outcomes.js';
import type { FleetSnapshot, TargetSnapshot } from '@tomcat-pd/core';
import type { LocksBlock } from '../lock/locks-block.js';

/** The reports of the targets that answered, and the errors of those that did not. */
export function snapshotParts(snapshot: FleetSnapshot): { reports: MetricsReport[]; errors: TargetError[] } {
  const reports: MetricsReport[] = [];
  const errors: TargetError[] = [];
  for (const entry of snapshot.targets) {
    if (entry.state === 'up') reports.push(entry.report);
    if (entry.state === 'down') errors.push({ target: entry.target, error: entry.error });
  }
  return { reports, errors };
}

/**
 * `/api/status`: the document of `status --metrics --json` (each version with its `metrics`,
 * `null` where the target has no status page), with `warnings` as `status` gives them, and
 * `targets` listing every target, read or not, with when and how it was read. With balancers in
 * the config, `balancers`, `colours` and `restart` too, as `lb status --json` has them (none
 * without: the document stays as it was); `pausedRollouts` as `status --json` has them, when
 * a rollout is paused.
 */
export function serveDocument(
  snapshot: FleetSnapshot,
  lb?: LbView,
  locks?: LocksBlock,
  paused: readonly RolloutRecord[] = [],
) {
  const { reports, errors } = snapshotParts(snapshot);
  const document = metricsDocument(reports, errors);
  const metaspace = new Map(document.targets.map((entry) => [entry.target, entry.metaspace]));
  return {
    apps: document.apps,
    targets: snapshot.targets.map((entry) => targetDocument(entry, metaspace.get(entry.target) ?? null)),
    errors: document.errors,
    warnings: statusWarnings(reports, DEFAULT_MAX_RESIDENT),
    ...(locks === undefined ? {} : locks.document),
    ...(paused.length === 0 ? {} : { pausedRollouts: paused.map(pausedRolloutDocument) }),
    ...(lb === undefined
      ? {}
      : { balancers: lb.balancers.map(balancerDocument), ...coloursDocument(lb.colours, lb.restart) }),
  };
}

/**
 * One balancer: `state` is `pending` (not read yet), `up` with its `members`, or `down` with its
 * `error`. Each member as `lb status --json` has it, with `null` for what is not known (in flight
 * where the balancer does not count, sessions where its target is not read or no target).
 */
export function balancerDocument(entry: BalancerView) {
  const about = { balancer: entry.balancer, type: entry.type, address: entry.address, state: entry.state };
  const iso = (epochMs: number) => new Date(epochMs).toISOString();
  switch (entry.state) {
    case 'pending':
      return { ...about, readAt: null, durationMs: null };
    case 'down':
      return {
        ...about,
        readAt: iso(entry.readAt),
        durationMs: Math.round(entry.durationMs),
        error: errorData(entry.error, cliWords),
      };
    case 'up':
      return {
        ...about,
        readAt: iso(entry.readAt),
        durationMs: Math.round(entry.durationMs),
        members: entry.members.map((member) => ({
          name: member.name,
          target: member.target ?? null,
          admin: member.admin,
          health: member.health,
          inFlight: member.inFlight ?? null,
          idleSeconds: member.idleSeconds ?? null,
          sessions: member.sessions ?? null,
        })),
      };
  }
}

/** One target: `state` is `pending` (not read yet), `up` or `down` (its error is in `errors`). */
function targetDocument<M>(entry: TargetSnapshot, metaspace: M | null) {
  const iso = (epochMs: number) => new Date(epochMs).toISOString();
  switch (entry.state) {
    case 'pending':
      return {
        target: entry.target,
        state: entry.state,
        readAt: null,
        durationMs: null,
        metricsReadAt: null,
        metaspace: null,
        readAgain: true,
      };
    case 'up':
      return {
        target: entry.target,
        state: entry.state,
        readAt: iso(entry.readAt),
        durationMs: Math.round(entry.durationMs),
        metricsReadAt: entry.metrics.kind === 'status-page' ? iso(entry.metrics.readAt) : null,
        metaspace,
        readAgain: true,
      };
    case 'down':
      return {
        target: entry.target,
        state: entry.state,
        readAt: iso(entry.readAt),
        durationMs: Math.round(entry.durationMs),
        metricsReadAt: null,
        metaspace: null,
        readAgain: entry.readAgain,
      };
  }
}
