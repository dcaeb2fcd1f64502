import { describe, expect, it } from 'vitest';
import { refusalError } from '../../../src/balancer/haproxy/haproxy-errors.js';
import { BalancerError, UsageError } from '../../../src/errors/error-classes.js';

const context = {
  balancer: 'lb1',
  address: '/run/haproxy/admin.sock',
  backend: 'tomcats',
  verb: 'set server',
};

describe('refusalError (decided on the refusal kind)', () => {
  it('makes a missing backend or server bad input, listing what HAProxy has', () => {
    const backend = refusalError(
      { kind: 'no-such-backend', text: 'No such backend.' },
      { ...context, known: 'app' },
    );
    expect(backend).toBeInstanceOf(UsageError);
    expect(backend.message).toBe(
      'Balancer lb1 (/run/haproxy/admin.sock) has no backend tomcats; its backends: app.',
    );
    const server = refusalError(
      { kind: 'no-such-server', text: 'No such server.' },
      { ...context, member: 'web9', known: 'web1, web2' },
    );
    expect(server).toBeInstanceOf(UsageError);
    expect(server.message).toBe(
      'Balancer lb1 (/run/haproxy/admin.sock) has no server web9 in backend tomcats; its servers: web1, web2.',
    );
  });

  it('makes "Permission denied" a BalancerError with the answer and a hint about level admin', () => {
    const error = refusalError(
      { kind: 'permission-denied', text: 'Permission denied' },
      { ...context, member: 'web1' },
    );
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({
      code: 'E_BALANCER',
      balancer: 'lb1',
      member: 'web1',
      answer: 'Permission denied',
    });
    expect(error.message).toBe(
      'Balancer lb1 (/run/haproxy/admin.sock) refused "set server": Permission denied',
    );
    expect(error.hint).toMatch(/level admin/);
  });

  it('makes a text that is not the protocol a BalancerError saying so', () => {
    const error = refusalError(
      { kind: 'unexpected', text: 'HTTP/1.1 400 Bad Request' },
      { ...context, verb: 'show stat' },
    );
    expect(error).toBeInstanceOf(BalancerError);
    expect(error.message).toBe(
      'Balancer lb1 (/run/haproxy/admin.sock) answered "show stat" with what is not HAProxy\'s runtime API: HTTP/1.1 400 Bad Request',
    );
  });
});
