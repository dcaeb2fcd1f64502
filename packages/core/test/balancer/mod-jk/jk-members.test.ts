import { describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { readJkBalancer } from '../../../src/balancer/mod-jk/jk-members.js';
import { parseJkProperties } from '../../../src/balancer/mod-jk/jk-properties.js';

const read = (name: string, lb = 'lb') =>
  readJkBalancer(parseJkProperties(fixture(`httpd/mod-jk/${name}`)), lb);

describe('readJkBalancer', () => {
  it('reads both members of a fresh lb worker: ACT is ready, OK/IDLE is up', () => {
    const result = read('show-fresh.txt');
    expect(result).toMatchObject({
      ok: true,
      members: [
        { name: 'web1', admin: 'ready', health: 'up', inFlight: 0 },
        { name: 'web2', admin: 'ready', health: 'up', inFlight: 0 },
      ],
    });
    expect(result.ok && result.generation).toMatch(/^\d+$/);
  });

  it('reads DIS as drain and STP as maint', () => {
    const result = read('show-disabled-stopped.txt');
    expect(result.ok && result.members.map((m) => [m.name, m.admin, m.health])).toEqual([
      ['web1', 'drain', 'up'],
      ['web2', 'maint', 'up'],
    ]);
  });

  it('reads ERR as down', () => {
    const result = read('show-member-in-error.txt');
    expect(result.ok && result.members.map((m) => [m.name, m.health])).toEqual([
      ['web1', 'up'],
      ['web2', 'down'],
    ]);
  });

  it('takes busy as the requests in flight', () => {
    const text = fixture('httpd/mod-jk/show-fresh.txt').replace('worker.web2.busy=0', 'worker.web2.busy=3');
    const result = readJkBalancer(parseJkProperties(text), 'lb');
    expect(result.ok && result.members[1]?.inFlight).toBe(3);
  });

  it('refuses a worker that is not an lb worker, or not shown', () => {
    expect(read('show-status-worker.txt', 'jkstatus')).toEqual({
      ok: false,
      reason: 'it shows no worker jkstatus',
    });
    const text = fixture('httpd/mod-jk/show-fresh.txt').replace('worker.lb.type=lb', 'worker.lb.type=ajp13');
    expect(readJkBalancer(parseJkProperties(text), 'lb')).toEqual({
      ok: false,
      reason: 'worker lb is of type ajp13, not lb',
    });
  });

  it('refuses an activation it does not know rather than guess a state', () => {
    const text = fixture('httpd/mod-jk/show-fresh.txt').replace(
      'worker.web1.activation=ACT',
      'worker.web1.activation=XYZ',
    );
    expect(readJkBalancer(parseJkProperties(text), 'lb')).toEqual({
      ok: false,
      reason: 'member web1 has activation XYZ',
    });
  });
});
