/** Views of balancers as serve shows them, for the page, document and metrics tests. */
import { ConnectionError } from '@tomcat-pd/core';
import type { BalancerView } from '@tomcat-pd/core/balancers';
import type { LbView } from '../../src/serve/lb-section.js';

/**
 * lb1 read: web1 drained with visitors left (2 requests in flight, 3 sessions), web2 ready but
 * its health check down, spare in maint, no health check, mapped to no target; lb2 unreadable;
 * lb3 not read yet.
 */
export function balancerViews(readAt: number): BalancerView[] {
  return [
    {
      state: 'up',
      balancer: 'lb1',
      type: 'haproxy',
      address: '/run/haproxy/admin.sock',
      readAt,
      durationMs: 2.4,
      members: [
        {
          name: 'web1',
          admin: 'drain',
          health: 'up',
          inFlight: 2,
          idleSeconds: 4,
          target: 'web1',
          sessions: 3,
        },
        { name: 'web2', admin: 'ready', health: 'down', inFlight: 0, target: 'web2', sessions: 0 },
        { name: 'spare', admin: 'maint', health: 'unchecked', target: undefined, sessions: undefined },
      ],
    },
    {
      state: 'down',
      balancer: 'lb2',
      type: 'mod_jk',
      address: 'http://lb2/jkstatus',
      readAt,
      durationMs: 5_000,
      error: new ConnectionError(
        "Cannot reach balancer lb2's console at http://lb2/jkstatus: connection refused.",
        { transient: true },
        { hint: ['Give it more time with ', { option: 'timeoutMs', value: '60s' }, '.'] },
      ),
    },
    { state: 'pending', balancer: 'lb3', type: 'nginx', address: '/etc/nginx/upstreams.conf' },
  ];
}

/** What serve shows of `balancers`: with no colours told (a balancer unread) and no restart, unless given. */
export function lbView(balancers: readonly BalancerView[], more: Partial<LbView> = {}): LbView {
  return {
    balancers,
    colours: { told: false, untold: { reason: 'unread', balancers: ['lb2', 'lb3'] } },
    restart: undefined,
    ...more,
  };
}
