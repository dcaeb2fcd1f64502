import { describe, expect, it } from 'vitest';
import { ConnectionError, SshError, UsageError, usageError } from '../../src/errors/error-classes.js';
import { failureThroughTunnel, refusedChannel, sshdFailure } from '../../src/ssh/ssh-failures.js';
import { parseSshOptions } from '../../src/ssh/ssh-options.js';

const LABEL = 'deploy@web1:2222';
const TCP = { kind: 'tcp', address: '127.0.0.1:8080' } as const;
const SOCKET = { kind: 'socket', address: '/run/haproxy/admin.sock' } as const;

/** What ssh2 hands a channel's callback when sshd refuses it: RFC 4254's reason code, and its text. */
const openFailure = (reason: number) =>
  Object.assign(new Error('(SSH) Channel open failure: open failed'), { reason });

/** An error of ssh2's connection, as its `error` event gives it. */
const sshdError = (
  level: string | undefined,
  code?: string,
  message = 'connect ECONNREFUSED 127.0.0.1:2222',
) => Object.assign(new Error(message), { level, code });

const withKey = parseSshOptions({ destination: LABEL, keyFile: '/keys/deploy_ed25519' });
const withAgent = parseSshOptions({ destination: 'deploy@web1', agentSocket: '/run/agent.sock' });

describe('refusedChannel', () => {
  it('administratively prohibited, to a TCP port: E_SSH tcp-forwarding-refused, naming AllowTcpForwarding', () => {
    const error = refusedChannel(LABEL, TCP, openFailure(1));
    expect(error).toBeInstanceOf(SshError);
    expect(error).toMatchObject({ code: 'E_SSH', refusal: 'tcp-forwarding-refused', destination: LABEL });
    expect(error.message).toBe(
      'sshd at deploy@web1:2222 refuses to forward to 127.0.0.1:8080: its AllowTcpForwarding is "no" (or DisableForwarding is "yes", or PermitOpen leaves this address out).',
    );
    expect(error.hint).toMatch(/^Set AllowTcpForwarding yes in the host's sshd_config/);
  });

  it('administratively prohibited, to a socket: E_SSH socket-forwarding-refused, naming AllowStreamLocalForwarding', () => {
    const error = refusedChannel(LABEL, SOCKET, openFailure(1));
    expect(error).toMatchObject({ code: 'E_SSH', refusal: 'socket-forwarding-refused', destination: LABEL });
    expect(error.message).toContain(
      'its AllowStreamLocalForwarding is "no" (or DisableForwarding is "yes").',
    );
    expect(error.message).not.toContain('PermitOpen');
    expect(error.hint).toMatch(/^Set AllowStreamLocalForwarding yes/);
  });

  it('connect failed, to a TCP port: E_CONNECT, the connection works but nothing answers there (transient)', () => {
    const error = refusedChannel(LABEL, TCP, openFailure(2));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      code: 'E_CONNECT',
      networkCode: 'ECONNREFUSED',
      transient: true,
      reason: 'nothing answers at 127.0.0.1:8080 on deploy@web1:2222',
    });
    expect(error.message).toMatch(
      /^The SSH connection to deploy@web1:2222 works, but nothing answers at 127\.0\.0\.1:8080 on that host/,
    );
  });

  // OpenSSH gives "connect failed" for a missing socket, one the user may not open, and a
  // stream-local forwarding its AllowStreamLocalForwarding forbids: test/ssh-faults.test.ts.
  it('connect failed, to a socket: E_CONNECT naming each cause, AllowStreamLocalForwarding among them', () => {
    const error = refusedChannel(LABEL, SOCKET, openFailure(2));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'E_CONNECT', transient: false });
    const causes = `nothing listens there, deploy may not open it, or sshd's AllowStreamLocalForwarding is "no"`;
    expect(error.message).toBe(
      `The SSH connection to deploy@web1:2222 works, but the socket /run/haproxy/admin.sock on that host cannot be opened: ${causes} (sshd gives the same answer for each).`,
    );
    expect((error as ConnectionError).reason).toBe(
      `the socket /run/haproxy/admin.sock on deploy@web1:2222 cannot be opened (${causes})`,
    );
  });

  it('any other reason, or a refused session: E_CONNECT with the reason code, not retried', () => {
    for (const [channel, reason] of [
      [TCP, 3],
      [SOCKET, 4],
      [{ kind: 'session', address: 'a command' }, 1],
    ] as const) {
      const error = refusedChannel(LABEL, channel, openFailure(reason));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'E_CONNECT', transient: false });
      expect(error.message).toBe(
        `sshd at deploy@web1:2222 did not open a channel to ${channel.address} (reason ${reason}).`,
      );
    }
  });

  it('no reason (the connection closed under the channel): E_CONNECT, ECONNRESET, transient', () => {
    for (const error of [new Error('No response from server'), undefined]) {
      expect(refusedChannel(LABEL, TCP, error)).toMatchObject({
        code: 'E_CONNECT',
        networkCode: 'ECONNRESET',
        transient: true,
        message: 'The SSH connection to deploy@web1:2222 closed before a channel to 127.0.0.1:8080 opened.',
      });
    }
  });
});

describe('sshdFailure', () => {
  it('client-authentication: E_SSH key-refused, naming the key file or the agent, and the user', () => {
    const byKey = sshdFailure(withKey, sshdError('client-authentication'));
    expect(byKey).toBeInstanceOf(SshError);
    expect(byKey).toMatchObject({ code: 'E_SSH', refusal: 'key-refused', destination: LABEL });
    expect(byKey.message).toBe(
      'sshd at deploy@web1:2222 refused the key /keys/deploy_ed25519 for user deploy.',
    );
    expect(byKey.hint).toBe(
      'Add its public key to ~deploy/.ssh/authorized_keys on the host (ssh-copy-id -p 2222 deploy@web1). Passwords are not used.',
    );
    const byAgent = sshdFailure(withAgent, sshdError('client-authentication'));
    expect(byAgent.message).toBe('sshd at deploy@web1:22 refused every key of the agent for user deploy.');
    expect(byAgent.hint).toContain('(ssh-copy-id deploy@web1)');
  });

  it('agent: a usage error naming the agent socket', () => {
    const error = sshdFailure(withAgent, sshdError('agent', undefined, 'Failed to connect to agent'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(
      'The SSH agent at /run/agent.sock cannot be used to log in to deploy@web1:22: Failed to connect to agent.',
    );
  });

  it('client-timeout: E_CONNECT, ETIMEDOUT, with the time allowed', () => {
    expect(sshdFailure(withKey, sshdError('client-timeout'))).toMatchObject({
      code: 'E_CONNECT',
      networkCode: 'ETIMEDOUT',
      transient: true,
      message: expect.stringMatching(
        /^Cannot reach sshd at deploy@web1:2222: no SSH handshake within 10000 ms/,
      ),
    });
  });

  it('client-socket and client-dns: E_CONNECT "cannot reach sshd", by the socket error code', () => {
    expect(sshdFailure(withKey, sshdError('client-socket', 'ECONNREFUSED'))).toMatchObject({
      code: 'E_CONNECT',
      networkCode: 'ECONNREFUSED',
      transient: true,
      message:
        'Cannot reach sshd at deploy@web1:2222: connection refused (is sshd running there, and on this port?).',
    });
    expect(
      sshdFailure(withKey, sshdError('client-dns', 'ENOTFOUND', 'getaddrinfo ENOTFOUND web1')),
    ).toMatchObject({
      networkCode: 'ENOTFOUND',
      transient: false,
      message: 'Cannot reach sshd at deploy@web1:2222: host not found (check the host name).',
    });
    // A code without words of its own: the error's message, not retried.
    expect(sshdFailure(withKey, sshdError('client-socket', 'EPROTO', 'write EPROTO'))).toMatchObject({
      networkCode: 'EPROTO',
      transient: false,
      message: 'Cannot reach sshd at deploy@web1:2222: write EPROTO.',
    });
  });

  it('any other level (a handshake that failed): E_CONNECT, not retried', () => {
    for (const level of ['protocol', 'handshake', undefined]) {
      expect(sshdFailure(withKey, sshdError(level, undefined, 'no matching cipher'))).toMatchObject({
        code: 'E_CONNECT',
        transient: false,
        message: 'The SSH handshake with deploy@web1:2222 failed: no matching cipher.',
      });
    }
  });

  it("an SshError's document carries its refusal and destination (what JSON.stringify prints)", () => {
    const error = sshdFailure(withKey, sshdError('client-authentication'));
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: 'SshError',
      code: 'E_SSH',
      refusal: 'key-refused',
      destination: LABEL,
    });
  });
});

describe('failureThroughTunnel', () => {
  const subject = "Cannot reach balancer lb1's console at http://127.0.0.1:8081/jkstatus";

  it("gives a tunnel's ConnectionError the driver's subject, keeping its facts", () => {
    const tunnel = new ConnectionError('The SSH connection to deploy@lb1:22 works, but nothing answers ...', {
      networkCode: 'ECONNREFUSED',
      transient: true,
      reason: 'nothing answers at 127.0.0.1:8081 on deploy@lb1:22',
    });
    const error = failureThroughTunnel(tunnel, subject, { url: 'http://127.0.0.1:8081/jkstatus' });
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      message: `${subject}: nothing answers at 127.0.0.1:8081 on deploy@lb1:22.`,
      networkCode: 'ECONNREFUSED',
      transient: true,
      url: 'http://127.0.0.1:8081/jkstatus',
    });
  });

  it('tells an SshError or a usage error as it is, and leaves a socket error to the driver', () => {
    const refused = new SshError('sshd at deploy@lb1:22 refused ...', {
      refusal: 'key-refused',
      destination: 'deploy@lb1:22',
    });
    const usage = usageError('The SSH key file /k cannot be read (ENOENT).');
    expect(failureThroughTunnel(refused, subject)).toBe(refused);
    expect(failureThroughTunnel(usage, subject)).toBe(usage);
    expect(
      failureThroughTunnel(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }), subject),
    ).toBe(undefined);
  });
});
