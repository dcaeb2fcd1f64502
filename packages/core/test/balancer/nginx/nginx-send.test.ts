import { describe, expect, it } from 'vitest';
import { shorten } from '../../../src/balancer/nginx/nginx-send.js';

describe('shorten', () => {
  it("puts nginx's stderr on one line", () => {
    const stderr =
      'nginx: [emerg] invalid port in "127.0.0.1:99999" of the "server" directive in /d/tomcat-pd.conf:5\n' +
      'nginx: configuration file /d/nginx.conf test failed\n';
    expect(shorten(stderr)).toBe(
      'nginx: [emerg] invalid port in "127.0.0.1:99999" of the "server" directive in /d/tomcat-pd.conf:5 / nginx: configuration file /d/nginx.conf test failed',
    );
  });

  it('keeps at most 400 characters', () => {
    expect(shorten('x'.repeat(1_000))).toHaveLength(400);
  });
});
