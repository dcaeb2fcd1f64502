import { describe, expect, it } from 'vitest';
import { markerUrl, readMarker } from '../../../src/balancer/nginx/nginx-marker.js';

describe('markerUrl', () => {
  it('is the marker path under the url, with or without a slash, keeping a prefix', () => {
    expect(markerUrl({ url: 'http://127.0.0.1:8080' }).href).toBe(
      'http://127.0.0.1:8080/tomcat-pd/generation',
    );
    expect(markerUrl({ url: 'http://lb.example/' }).href).toBe('http://lb.example/tomcat-pd/generation');
  });
});

describe('readMarker', () => {
  it('is an AbortedError when the signal aborted', async () => {
    const spec = {
      type: 'nginx',
      name: 'front',
      timeoutMs: 1_000,
      members: {},
      file: '/f',
      test: ['t'],
      reload: ['r'],
      servers: { web1: 'h:1' },
      url: 'http://127.0.0.1:1',
    } as const;
    await expect(readMarker(spec, AbortSignal.abort())).rejects.toMatchObject({ code: 'E_ABORTED' });
  });

  it('is a ConnectionError naming the balancer when nginx does not answer', async () => {
    const spec = {
      type: 'nginx',
      name: 'front',
      timeoutMs: 1_000,
      members: {},
      file: '/f',
      test: ['t'],
      reload: ['r'],
      servers: { web1: 'h:1' },
      // Port 1 on loopback: refused at once.
      url: 'http://127.0.0.1:1',
    } as const;
    await expect(readMarker(spec)).rejects.toMatchObject({
      code: 'E_CONNECT',
      networkCode: 'ECONNREFUSED',
      message: expect.stringContaining(
        'Balancer front: nginx does not answer at http://127.0.0.1:1/tomcat-pd/generation',
      ),
    });
  });
});
