import { describe, expect, it } from 'vitest';
import { joinMembers } from '../../../src/balancer/haproxy/haproxy-reading.js';
import { parseServersState } from '../../../src/balancer/haproxy/parse-servers-state.js';
import { parseStat } from '../../../src/balancer/haproxy/parse-stat.js';
import { haproxyAnswer } from './recorded.js';

function members(statesFile: string, statFile: string) {
  const states = parseServersState(haproxyAnswer(statesFile));
  const stats = parseStat(haproxyAnswer(statFile));
  if (!states.ok || !stats.ok) throw new Error('a fixture did not parse');
  return joinMembers('tomcats', states.value, stats.value);
}

describe('joinMembers', () => {
  it('joins states and counters per server: health, requests in flight, idle seconds', () => {
    expect(members('servers-state-ready.txt', 'stat-in-flight.txt')).toEqual([
      { name: 'web1', admin: 'ready', health: 'up', inFlight: 1, idleSeconds: 0 },
      { name: 'web2', admin: 'ready', health: 'up', inFlight: 1, idleSeconds: 0 },
      { name: 'web3', admin: 'ready', health: 'down', inFlight: 0, idleSeconds: undefined },
      { name: 'web4', admin: 'ready', health: 'unchecked', inFlight: 0, idleSeconds: 0 },
    ]);
  });

  it('takes the admin state from "show servers state": a drained server whose check fails is drain, and down', () => {
    expect(
      members('servers-state-drain-maint.txt', 'stat-drain-maint.txt').map((m) => [
        m.name,
        m.admin,
        m.health,
      ]),
    ).toEqual([
      ['web1', 'drain', 'up'],
      // HAProxy stops a server in maintenance (srv_op_state 0) and pauses its check.
      ['web2', 'maint', 'down'],
      ['web3', 'drain', 'down'],
      ['web4', 'ready', 'unchecked'],
    ]);
  });

  it('counts queued requests as in flight', () => {
    const states = parseServersState(haproxyAnswer('servers-state-ready.txt'));
    if (!states.ok) throw new Error('no parse');
    const stats = [
      {
        proxy: 'tomcats',
        server: 'web1',
        status: 'UP',
        current: 2,
        queued: 3,
        lastSessionSeconds: 9,
        checkStatus: 'L7OK',
      },
    ];
    const [web1, web2] = joinMembers('tomcats', states.value, stats);
    expect(web1).toMatchObject({ inFlight: 5, idleSeconds: 9 });
    // A server "show stat" did not list (added between the two commands): states only.
    expect(web2).toEqual({
      name: 'web2',
      admin: 'ready',
      health: 'up',
      inFlight: undefined,
      idleSeconds: undefined,
    });
  });

  it('keeps only the servers of the backend asked for', () => {
    expect(members('servers-state-ready.txt', 'stat-in-flight.txt').length).toBe(4);
    const states = parseServersState(haproxyAnswer('servers-state-ready.txt'));
    if (!states.ok) throw new Error('no parse');
    expect(joinMembers('other', states.value, [])).toEqual([]);
  });
});
