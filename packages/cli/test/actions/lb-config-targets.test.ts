import { describe, expect, it } from 'vitest';
import { UsageError } from '@tomcat-pd/core';
import { entryFacts, membersOf } from '../../src/actions/lb-config-targets.js';
import type { ConfigFile } from '../../src/config-file.js';

const config = (targets: ConfigFile['targets']): ConfigFile => ({
  source: 'tomcat-pd.json',
  targets,
  balancers: [],
  defaults: {},
});

describe('membersOf', () => {
  it("takes the host and port where visitors reach each target: appUrl, else the Manager's", () => {
    const members = membersOf(
      config([
        { name: 'web1', url: 'http://10.0.0.11:8080/manager' },
        { name: 'web2', url: 'https://10.0.0.12/manager', appUrl: 'http://10.0.0.12:8081' },
        { name: 'web3', url: 'https://tomcat3.example/manager' },
      ]),
      undefined,
    );
    expect(members).toEqual([
      { name: 'web1', host: '10.0.0.11', port: 8080 },
      { name: 'web2', host: '10.0.0.12', port: 8081 },
      { name: 'web3', host: 'tomcat3.example', port: 443 },
    ]);
  });

  it("names a member as the balancer's members map says", () => {
    const [member] = membersOf(config([{ name: 'web1', url: 'http://h:8080/manager' }]), {
      name: 'lb1',
      type: 'haproxy',
      members: { web1: 'node1' },
    });
    expect(member?.name).toBe('node1');
  });

  it('refuses a config without targets (exit 2), saying what to add', () => {
    expect(() => membersOf(config([]), undefined)).toThrow(UsageError);
    expect(() => membersOf(undefined, undefined)).toThrow(/needs the targets of a config file/);
  });
});

describe('entryFacts', () => {
  it("reads each type's admin endpoint and balancer name from its entry", () => {
    expect(entryFacts({ name: 'h', type: 'haproxy', socket: '/run/a.sock', backend: 'shop' })).toEqual({
      admin: '/run/a.sock',
      balancer: 'shop',
    });
    expect(entryFacts({ name: 'j', type: 'mod_jk', url: 'http://127.0.0.1:81/jk', balancer: 'lb' })).toEqual({
      admin: '/jk',
      balancer: 'lb',
    });
    expect(entryFacts({ name: 'n', type: 'nginx', file: '/etc/nginx/pd.conf' })).toEqual({
      admin: '/etc/nginx/pd.conf',
      balancer: undefined,
    });
    expect(entryFacts(undefined)).toEqual({ admin: undefined, balancer: undefined });
  });
});
