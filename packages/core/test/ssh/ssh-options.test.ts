import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors/error-classes.js';
import {
  formatSshDestination,
  parseSshDestination,
  parseSshOptions,
  SSH_DEFAULTS,
} from '../../src/ssh/ssh-options.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseSshDestination', () => {
  it.each([
    ['deploy@web1', { user: 'deploy', host: 'web1', port: 22 }],
    ['deploy@web1.example.com:2222', { user: 'deploy', host: 'web1.example.com', port: 2222 }],
    ['ci-bot@192.0.2.10:65535', { user: 'ci-bot', host: '192.0.2.10', port: 65_535 }],
    ['deploy@[::1]:2222', { user: 'deploy', host: '::1', port: 2222 }],
    ['deploy@[2001:db8::7]', { user: 'deploy', host: '2001:db8::7', port: 22 }],
    ['  deploy@web1:1  ', { user: 'deploy', host: 'web1', port: 1 }],
  ])('reads %j', (text, destination) => {
    expect(parseSshDestination(text)).toEqual(destination);
  });

  it.each([
    ['web1', 'no user'],
    ['@web1', 'an empty user'],
    ['deploy@', 'no host'],
    ['deploy@web1:0', 'port 0'],
    ['deploy@web1:65536', 'a port above 65535'],
    ['deploy@web1:123456', 'six digits'],
    ['deploy@web1:ssh', 'a port that is no number'],
    ['deploy@web1:', 'an empty port'],
    ['deploy@::1', 'an IPv6 address without brackets'],
    ['deploy@[web1]', 'brackets around a name'],
    ['deploy@web1@web2', 'two @'],
    ['de ploy@web1', 'a space in the user'],
  ])('refuses %j (%s) with a usage error and an example', (text) => {
    expect(() => parseSshDestination(text)).toThrow(UsageError);
    expect(() => parseSshDestination(text)).toThrow(
      `The SSH destination "${text}" is not user@host or user@host:port (e.g. deploy@web1, deploy@web1:2222).`,
    );
  });
});

describe('formatSshDestination', () => {
  it('always names the port, and brackets an IPv6 address: what parseSshDestination reads back', () => {
    for (const text of ['deploy@web1', 'deploy@[::1]:2222', 'deploy@192.0.2.10:22']) {
      const destination = parseSshDestination(text);
      const label = formatSshDestination(destination);
      expect(parseSshDestination(label)).toEqual(destination);
    }
    expect(formatSshDestination({ user: 'deploy', host: 'web1', port: 22 })).toBe('deploy@web1:22');
    expect(formatSshDestination({ user: 'deploy', host: '::1', port: 2222 })).toBe('deploy@[::1]:2222');
  });
});

describe('parseSshOptions', () => {
  it('defaults: the known hosts under os.homedir() (which follows $HOME), the agent of SSH_AUTH_SOCK, 10 s', () => {
    vi.stubEnv('HOME', '/home/deployer');
    vi.stubEnv('SSH_AUTH_SOCK', '/run/user/1000/agent.sock');
    expect(parseSshOptions({ destination: 'deploy@web1' })).toEqual({
      destination: { user: 'deploy', host: 'web1', port: 22 },
      label: 'deploy@web1:22',
      keyFile: undefined,
      passphrase: undefined,
      agentSocket: '/run/user/1000/agent.sock',
      knownHostsFile: '/home/deployer/.ssh/known_hosts',
      connectTimeoutMs: SSH_DEFAULTS.connectTimeoutMs,
    });
    expect(SSH_DEFAULTS.connectTimeoutMs).toBe(10_000);
  });

  it('keeps what is given over the defaults; a key file does without an agent', () => {
    vi.stubEnv('SSH_AUTH_SOCK', '');
    const spec = parseSshOptions({
      destination: 'deploy@[::1]:2222',
      keyFile: '/keys/deploy_ed25519',
      passphrase: 'not printed',
      knownHostsFile: '/etc/tomcat-pd/known_hosts',
      connectTimeoutMs: 2_500,
    });
    expect(spec).toMatchObject({
      label: 'deploy@[::1]:2222',
      keyFile: '/keys/deploy_ed25519',
      passphrase: 'not printed',
      agentSocket: undefined,
      knownHostsFile: '/etc/tomcat-pd/known_hosts',
      connectTimeoutMs: 2_500,
    });
    const agent = parseSshOptions({ destination: 'deploy@web1', agentSocket: '/tmp/other-agent' });
    expect(agent.agentSocket).toBe('/tmp/other-agent');
  });

  it('no key file and no agent (SSH_AUTH_SOCK unset or empty, or an empty key file): a usage error', () => {
    for (const sock of [undefined, '']) {
      vi.stubEnv('SSH_AUTH_SOCK', sock);
      for (const keyFile of [undefined, '']) {
        expect(() => parseSshOptions({ destination: 'deploy@web1:2222', keyFile })).toThrow(
          new UsageError(
            'No key to log in to deploy@web1:2222 with: give a key file, or run an SSH agent (SSH_AUTH_SOCK).',
          ),
        );
      }
    }
  });

  it('refuses a connect timeout of 0 or less, and a destination that is not one', () => {
    for (const connectTimeoutMs of [0, -1, Number.NaN]) {
      expect(() => parseSshOptions({ destination: 'deploy@web1', keyFile: '/k', connectTimeoutMs })).toThrow(
        `The SSH connect timeout must be more than 0, not ${connectTimeoutMs} ms.`,
      );
    }
    expect(() => parseSshOptions({ destination: 'web1', keyFile: '/k' })).toThrow(UsageError);
    // From JavaScript or a config file, without the types' help.
    expect(() => parseSshOptions({ keyFile: '/k' } as never)).toThrow('The SSH destination "" is not');
  });
});

describe('parseSshOptions for an owner', () => {
  it('names the entry first, so that a config of several says which one is wrong', () => {
    expect(() => parseSshOptions({ destination: 'lb1', keyFile: '/k' }, 'Balancer lb1')).toThrow(
      'Balancer lb1: The SSH destination "lb1" is not user@host or user@host:port',
    );
  });
});
