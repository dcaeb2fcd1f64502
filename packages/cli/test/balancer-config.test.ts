import { describe, expect, it } from 'vitest';
import { balancerOptions, validateBalancers } from '../src/balancer-config.js';

const fail = (problem: string) => new Error(problem);

describe('validateBalancers', () => {
  it("keeps each type's fields and finds a socket or a file from the config file's folder", () => {
    const balancers = validateBalancers(
      [
        { name: 'lb1', type: 'haproxy', socket: 'run/admin.sock', backend: 'shop', members: { web1: 's1' } },
        { name: 'lb2', type: 'haproxy', socket: 'tcp://127.0.0.1:9999', backend: 'shop' },
        {
          name: 'front',
          type: 'nginx',
          file: 'shop.conf',
          test: ['nginx', '-t'],
          reload: ['nginx', '-s', 'reload'],
          servers: { web1: '10.0.0.1:8080' },
          url: 'http://127.0.0.1',
        },
      ],
      '/etc/tomcat-pd',
      fail,
    );
    expect(balancers.map((balancer) => balancer.socket ?? balancer.file)).toEqual([
      '/etc/tomcat-pd/run/admin.sock',
      'tcp://127.0.0.1:9999',
      '/etc/tomcat-pd/shop.conf',
    ]);
  });

  it.each<[string, unknown, string]>([
    ['not an array', { name: 'lb1' }, '"balancers" must be an array.'],
    ['a missing name', [{ type: 'haproxy' }], 'balancers[0] needs a "name".'],
    [
      'an unknown type',
      [{ name: 'lb1', type: 'f5' }],
      'balancers[0] ("lb1") needs a "type": one of haproxy, mod_jk, mod_proxy_balancer, nginx.',
    ],
    [
      'a key of another type',
      [{ name: 'lb1', type: 'haproxy', url: 'http://x' }],
      'unknown key "balancers[0].url" for a haproxy balancer (known: name, type, members, socket, backend, ssh, sshKeyFile, sshKnownHosts).',
    ],
    [
      'a password in the file',
      [{ name: 'httpd', type: 'mod_jk', url: 'http://x', balancer: 'lb', password: 's3cret' }],
      'unknown key "balancers[0].password" for a mod_jk balancer (known: name, type, members, url, balancer, userEnv, passwordEnv, ssh, sshKeyFile, sshKnownHosts).',
    ],
    [
      'members that are not names',
      [{ name: 'lb1', type: 'haproxy', members: { web1: 1 } }],
      'balancers[0].members must map names to strings.',
    ],
    [
      'a name used twice',
      [
        { name: 'lb1', type: 'haproxy' },
        { name: 'lb1', type: 'nginx' },
      ],
      'the balancer name "lb1" is used twice.',
    ],
  ])('refuses %s', (_, value, message) => {
    expect(() => validateBalancers(value, '/etc', fail)).toThrow(message);
  });
});

describe('balancerOptions', () => {
  const console = {
    name: 'httpd',
    type: 'mod_jk' as const,
    url: 'http://127.0.0.1/jkstatus',
    balancer: 'lb',
    userEnv: 'JK_USER',
    passwordEnv: 'JK_PW',
  };

  const shared = { ssh: { flags: {}, defaults: {} }, logger: {} };

  it("reads a console's credentials from the environment variables the config names", () => {
    expect(balancerOptions(console, { JK_USER: 'ops', JK_PW: 's3cret' }, shared)).toEqual({
      name: 'httpd',
      type: 'mod_jk',
      url: 'http://127.0.0.1/jkstatus',
      balancer: 'lb',
      user: 'ops',
      password: 's3cret',
    });
  });

  it('is a usage error naming the variable, never a value, when one is not set', () => {
    expect(() => balancerOptions(console, { JK_USER: 'ops' }, shared)).toThrow(
      'Balancer httpd: its password comes from $JK_PW, which is not set.',
    );
  });
});

describe('balancerOptions: through SSH', () => {
  const haproxy = {
    name: 'lb1',
    type: 'haproxy' as const,
    socket: '/run/haproxy/admin.sock',
    backend: 'tomcats',
    ssh: 'deploy@lb1',
    sshKnownHosts: '/etc/pd/known_hosts',
  };
  const logger = {};

  it("gives the core SshOptions (the defaults' key, the entry's known hosts, the passphrase from the environment) and the logger", () => {
    const options = balancerOptions(
      haproxy,
      { TOMCAT_PD_SSH_PASSPHRASE: 'phrase' },
      { ssh: { flags: {}, defaults: { sshKeyFile: '/keys/default' } }, logger },
    );
    expect(options).toEqual({
      name: 'lb1',
      type: 'haproxy',
      socket: '/run/haproxy/admin.sock',
      backend: 'tomcats',
      ssh: {
        destination: 'deploy@lb1',
        keyFile: '/keys/default',
        knownHostsFile: '/etc/pd/known_hosts',
        passphrase: 'phrase',
      },
      logger,
    });
  });

  it('has no ssh and no logger without "ssh"', () => {
    const direct = {
      name: 'lb1',
      type: 'haproxy' as const,
      socket: '/run/haproxy/admin.sock',
      backend: 'tomcats',
    };
    const options = balancerOptions(
      direct,
      {},
      { ssh: { flags: { sshKeyFile: '/k' }, defaults: {} }, logger },
    );
    expect(options).toEqual({
      name: 'lb1',
      type: 'haproxy',
      socket: '/run/haproxy/admin.sock',
      backend: 'tomcats',
    });
  });
});
