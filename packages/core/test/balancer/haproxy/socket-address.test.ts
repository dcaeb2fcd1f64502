import { describe, expect, it } from 'vitest';
import { parseSocketAddress } from '../../../src/balancer/haproxy/socket-address.js';

describe('parseSocketAddress', () => {
  it('reads a UNIX path, tcp://host:port and tcp://[ipv6]:port', () => {
    expect(parseSocketAddress('/run/haproxy/admin.sock')).toEqual({
      kind: 'unix',
      path: '/run/haproxy/admin.sock',
    });
    expect(parseSocketAddress('tcp://127.0.0.1:9999')).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 9999,
    });
    expect(parseSocketAddress('tcp://lb1.example:9999/')).toEqual({
      kind: 'tcp',
      host: 'lb1.example',
      port: 9999,
    });
    expect(parseSocketAddress('tcp://[::1]:9999')).toEqual({ kind: 'tcp', host: '::1', port: 9999 });
  });

  it('refuses a tcp:// address without a valid port', () => {
    for (const bad of [
      'tcp://127.0.0.1',
      'tcp://127.0.0.1:0',
      'tcp://127.0.0.1:70000',
      'tcp://:9999',
      'tcp://h:9/x',
    ]) {
      expect(parseSocketAddress(bad), bad).toBeUndefined();
    }
  });
});
