import { describe, expect, it } from 'vitest';
import {
  memberNameOf,
  parseBalancerOptions,
  type BalancerOptions,
} from '../../src/balancer/balancer-options.js';

const haproxy: BalancerOptions = {
  name: 'lb1',
  type: 'haproxy',
  socket: '/run/haproxy/admin.sock',
  backend: 'shop',
};

describe('parseBalancerOptions', () => {
  it('fills the time-out and the members map', () => {
    expect(parseBalancerOptions(haproxy)).toEqual({ ...haproxy, timeoutMs: 5000, members: {} });
  });

  it.each<[string, unknown, string]>([
    ['a missing socket', { ...haproxy, socket: '' }, 'Balancer lb1: "socket" must be a non-empty string.'],
    [
      'an unknown type',
      { ...haproxy, type: 'f5' },
      'Balancer lb1: "type" must be one of haproxy, mod_jk, mod_proxy_balancer, nginx, not f5.',
    ],
    [
      'a console URL that is not http',
      { name: 'httpd', type: 'mod_jk', url: 'ftp://x', balancer: 'lb' },
      'Balancer httpd: "url" must be an http:// or https:// URL, not ftp://x.',
    ],
    [
      'an nginx test command that is a string',
      {
        name: 'front',
        type: 'nginx',
        file: '/f',
        url: 'http://127.0.0.1',
        test: 'nginx -t',
        reload: ['nginx'],
        servers: { web1: '127.0.0.1:8080' },
      },
      'Balancer front: "test" must be a command as an array of words, e.g. ["nginx", "-t"].',
    ],
    [
      'a member mapped to nothing',
      { ...haproxy, members: { web1: '' } },
      'Balancer lb1: "members" maps web1 to no member name.',
    ],
  ])('refuses %s, naming the balancer and the field', (_, options, message) => {
    expect(() => parseBalancerOptions(options as BalancerOptions)).toThrow(message);
  });
});

describe('memberNameOf', () => {
  it("is the mapped name, else the target's own", () => {
    const spec = parseBalancerOptions({ ...haproxy, members: { web1: 's1' } });
    expect([memberNameOf(spec, 'web1'), memberNameOf(spec, 'web2')]).toEqual(['s1', 'web2']);
  });
});
