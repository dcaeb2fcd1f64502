// From prom-client's index, as prometheus.ts (tsdown.config.ts says why).
import { Gauge, type Registry } from 'prom-client';
import type { AdminState } from '@tomcat-pd/core/balancers';
import type { LbView } from './lb-section.js';

/**
 * The balancers' series of `/metrics`, registered in serve's own registry; the function it
 * returns sets them from a view of the balancers, after the registry's reset (a member gone or a
 * balancer unreadable leaves no series behind):
 *
 * - `tomcat_pd_lb_up{balancer}`: 1 when the last read of the balancer succeeded, 0 when it failed
 *   (none before the first read);
 * - `tomcat_pd_lb_member_state{balancer,member,state}`: 1 for the member's admin state, 0 for
 *   each other one (ready, drain, maint), so that `== 1` selects and a change is a flip;
 * - `tomcat_pd_lb_member_up{balancer,member}`: the balancer's health check, 1 up, 0 down; no
 *   series where the balancer checks nothing (`unchecked`: nginx, mod_proxy_balancer without
 *   health checks), as 1 would claim a check that did not happen and 0 a failure;
 * - `tomcat_pd_lb_member_in_flight{balancer,member}`: requests in flight, where the balancer
 *   counts them;
 * - `tomcat_pd_lb_target_colour{target,colour}`: 1 for the target's colour (live, draining,
 *   idle), 0 for each other one; no series while the colours cannot be told (all ready, a
 *   target in different states, a balancer unread: `lb status` says which);
 * - `tomcat_pd_lb_restart_state{state}`: 1 for a restart `running` or `stopped` without
 *   finishing (its record left behind), 0 for the other; both 0 without a restart.
 *
 * A member's sessions are not repeated here: `tomcat_pd_version_sessions{target}` has them.
 */
const COLOURS = ['live', 'draining', 'idle'] as const;

export function balancerMetrics(
  registry: Registry,
  adminStates: readonly AdminState[],
): (view: LbView) => void {
  const registers = [registry];
  const up = new Gauge({
    name: 'tomcat_pd_lb_up',
    help: "1 when the balancer's last read succeeded, 0 when it failed (a balancer not read yet has no series)",
    labelNames: ['balancer'],
    registers,
  });
  const state = new Gauge({
    name: 'tomcat_pd_lb_member_state',
    help: "1 for the member's admin state on the balancer (ready: new visitors; drain: sticky ones only; maint: none), 0 for the others",
    labelNames: ['balancer', 'member', 'state'],
    registers,
  });
  const health = new Gauge({
    name: 'tomcat_pd_lb_member_up',
    help: "The balancer's health check of the member: 1 up, 0 down; no series where the balancer checks none",
    labelNames: ['balancer', 'member'],
    registers,
  });
  const inFlight = new Gauge({
    name: 'tomcat_pd_lb_member_in_flight',
    help: 'Requests the balancer has in flight to the member, where it counts them',
    labelNames: ['balancer', 'member'],
    registers,
  });

  const colour = new Gauge({
    name: 'tomcat_pd_lb_target_colour',
    help: "1 for the target's colour behind the balancers (live: ready; draining: drained, sessions left; idle: maint, or drained with none), 0 for the others",
    labelNames: ['target', 'colour'],
    registers,
  });
  const restart = new Gauge({
    name: 'tomcat_pd_lb_restart_state',
    help: 'A restart of the targets: 1 for running, or stopped without finishing (its record left behind); both 0 without one',
    labelNames: ['state'],
    registers,
  });

  return ({ balancers, colours, restart: seen }) => {
    if (colours.told) {
      for (const name of COLOURS) {
        for (const target of colours.colours[name]) {
          for (const other of COLOURS) colour.set({ target, colour: other }, other === name ? 1 : 0);
        }
      }
    }
    for (const state of ['running', 'stopped'] as const)
      restart.set({ state }, seen?.state === state ? 1 : 0);
    for (const entry of balancers) {
      if (entry.state === 'pending') continue;
      const balancer = entry.balancer;
      up.set({ balancer }, entry.state === 'up' ? 1 : 0);
      if (entry.state === 'down') continue;
      for (const m of entry.members) {
        const labels = { balancer, member: m.name };
        for (const s of adminStates) state.set({ ...labels, state: s }, m.admin === s ? 1 : 0);
        if (m.health !== 'unchecked') health.set(labels, m.health === 'up' ? 1 : 0);
        if (m.inFlight !== undefined) inFlight.set(labels, m.inFlight);
      }
    }
  };
}
