import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '@tomcat-pd/core';
import { ADMIN_STATES, type BalancerView } from '@tomcat-pd/core/balancers';
import { createServeMetrics } from '../../src/serve/prometheus.js';
import { balancerViews, lbView } from '../helpers/balancers.js';
import { downTarget } from '../helpers/reports.js';

const READ_AT = Date.UTC(2026, 11, 7, 10, 0, 0);
const fleet: FleetSnapshot = { sequence: 1, intervalMs: 1_000, targets: [downTarget(READ_AT)] };

/** The balancers' sample lines, as `name{labels} value`. */
function lbSamples(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('tomcat_pd_lb_'));
}

const withBalancers = () => createServeMetrics({ balancers: { adminStates: ADMIN_STATES } });

describe('/metrics of the balancers', () => {
  it('per balancer up; per member its admin state (1, the others 0), its health check, requests in flight', async () => {
    const text = await withBalancers().text(fleet, lbView(balancerViews(READ_AT)));
    expect(lbSamples(text)).toEqual([
      'tomcat_pd_lb_up{balancer="lb1"} 1',
      'tomcat_pd_lb_up{balancer="lb2"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="ready"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="drain"} 1',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="maint"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web2",state="ready"} 1',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web2",state="drain"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="web2",state="maint"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="spare",state="ready"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="spare",state="drain"} 0',
      'tomcat_pd_lb_member_state{balancer="lb1",member="spare",state="maint"} 1',
      // spare has no health check (unchecked): no series, rather than a 1 or a 0 that would lie.
      'tomcat_pd_lb_member_up{balancer="lb1",member="web1"} 1',
      'tomcat_pd_lb_member_up{balancer="lb1",member="web2"} 0',
      'tomcat_pd_lb_member_in_flight{balancer="lb1",member="web1"} 2',
      'tomcat_pd_lb_member_in_flight{balancer="lb1",member="web2"} 0',
      'tomcat_pd_lb_restart_state{state="running"} 0',
      'tomcat_pd_lb_restart_state{state="stopped"} 0',
    ]);
    expect(text).toContain('# TYPE tomcat_pd_lb_member_state gauge');
    expect(text).toMatch(/# HELP tomcat_pd_lb_member_up .*no series where the balancer checks none/);
    // The targets' series are there as ever.
    expect(text).toContain('tomcat_pd_target_up{target="web3"} 0');
  });

  it('a state changed, a member gone, a balancer now unreadable: no series left behind', async () => {
    const metrics = withBalancers();
    await metrics.text(fleet, lbView(balancerViews(READ_AT)));
    const [lb1, lb2, lb3] = balancerViews(READ_AT) as [
      Extract<BalancerView, { state: 'up' }>,
      BalancerView,
      BalancerView,
    ];
    const after: BalancerView[] = [{ ...lb1, members: [{ ...lb1.members[0]!, admin: 'ready' }] }, lb2, lb3];
    // The same fleet snapshot: a change of the balancers alone fills the registry again.
    const text = await metrics.text(fleet, lbView(after));
    expect(lbSamples(text).filter((line) => line.includes('member_state') && line.endsWith(' 1'))).toEqual([
      'tomcat_pd_lb_member_state{balancer="lb1",member="web1",state="ready"} 1',
    ]);
    expect(text).not.toContain('member="web2"');
    const down: BalancerView[] = [{ ...lb2, balancer: 'lb1' }];
    expect(
      lbSamples(await metrics.text(fleet, lbView(down))).filter((line) => line.includes('lb_up')),
    ).toEqual(['tomcat_pd_lb_up{balancer="lb1"} 0']);
  });

  it("per target its colour (1, the others 0) when told, none when not; the restart's state", async () => {
    const metrics = withBalancers();
    const colours = { told: true, colours: { live: ['web2'], draining: ['web1'], idle: [] } } as const;
    const record = {
      pid: 7,
      host: 'ctl1',
      started: '2026-12-07T19:00:00.000Z',
      targets: ['web1', 'web2'],
      target: 'web1',
      step: 'exec' as const,
      done: [],
    };
    const text = await metrics.text(
      fleet,
      lbView(balancerViews(READ_AT), { colours, restart: { state: 'stopped', record } }),
    );
    expect(lbSamples(text).filter((line) => /colour|restart/.test(line))).toEqual([
      'tomcat_pd_lb_target_colour{target="web2",colour="live"} 1',
      'tomcat_pd_lb_target_colour{target="web2",colour="draining"} 0',
      'tomcat_pd_lb_target_colour{target="web2",colour="idle"} 0',
      'tomcat_pd_lb_target_colour{target="web1",colour="live"} 0',
      'tomcat_pd_lb_target_colour{target="web1",colour="draining"} 1',
      'tomcat_pd_lb_target_colour{target="web1",colour="idle"} 0',
      'tomcat_pd_lb_restart_state{state="running"} 0',
      'tomcat_pd_lb_restart_state{state="stopped"} 1',
    ]);
    const untold = await metrics.text(fleet, lbView(balancerViews(READ_AT)));
    expect(untold).not.toMatch(/^tomcat_pd_lb_target_colour/m);
  });

  it('without balancers in the config: no tomcat_pd_lb_ series nor their help', async () => {
    const text = await createServeMetrics().text(fleet, lbView(balancerViews(READ_AT)));
    expect(text).not.toContain('tomcat_pd_lb_');
    expect(await createServeMetrics().text(fleet)).not.toContain('tomcat_pd_lb_');
    expect(await withBalancers().text(fleet)).not.toMatch(/^tomcat_pd_lb_/m);
  });
});
