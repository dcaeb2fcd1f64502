import { describe, expect, it } from 'vitest';
import type { SpecOf } from '../../../src/balancer/balancer-options.js';
import { checkNginxSpec } from '../../../src/balancer/nginx/check-nginx-spec.js';

const spec: SpecOf<'nginx'> = {
  type: 'nginx',
  name: 'front',
  timeoutMs: 5_000,
  members: {},
  file: '/etc/nginx/tomcat-pd.conf',
  test: ['nginx', '-t'],
  reload: ['nginx', '-s', 'reload'],
  servers: { web1: '127.0.0.1:8081', 'web-2.b': 'tc2.example:8080', v6: '[::1]:8082' },
  url: 'http://127.0.0.1:8080',
};

describe('checkNginxSpec', () => {
  it('takes jvmRoutes and host:port addresses', () => {
    expect(() => checkNginxSpec(spec)).not.toThrow();
  });

  it.each<[string, Partial<SpecOf<'nginx'>>, string]>([
    [
      'a member name that is no route',
      { servers: { 'web 1': '127.0.0.1:8081' } },
      'Balancer front: the member name "web 1" is not a Tomcat jvmRoute',
    ],
    [
      'an address that would end the directive',
      { servers: { web1: '127.0.0.1:8081; include /etc/passwd' } },
      'Balancer front: the server of web1 must be host:port, not "127.0.0.1:8081; include /etc/passwd".',
    ],
    ['an address without a port', { servers: { web1: '127.0.0.1' } }, 'must be host:port'],
    ['a url that is not http', { url: 'unix:/run/nginx.sock' }, '"url" must be an http:// or https:// URL'],
  ])('refuses %s', (_, change, message) => {
    expect(() => checkNginxSpec({ ...spec, ...change })).toThrow(message);
  });
});
