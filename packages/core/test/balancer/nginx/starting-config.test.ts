import { describe, expect, it } from 'vitest';
import { nginxStartingConfig } from '../../../src/balancer/nginx/starting-config.js';
import { parseStartingConfigOptions } from '../../../src/balancer/starting-config-options.js';
import { TWO_TOMCATS } from '../starting-config-fixture.js';

const spec = (change = {}) => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change });

describe('nginxStartingConfig', () => {
  it('is the reviewed document', async () => {
    await expect(nginxStartingConfig(spec())).toMatchFileSnapshot('__snapshots__/starting-config.nginx.conf');
  });

  it("includes the driver's managed file and proxies through its variable", () => {
    const text = nginxStartingConfig(spec({ admin: '/etc/nginx/pd/front.conf' }));
    expect(text).toContain('include /etc/nginx/pd/front.conf;');
    expect(text).toContain('proxy_pass http://$tomcat_pd_upstream;');
    expect(text).toContain('location /shop/ {');
  });

  it('answers the generation marker to this machine only', () => {
    expect(nginxStartingConfig(spec())).toMatch(
      /location = \/tomcat-pd\/generation \{\n\s+allow 127\.0\.0\.1;\n\s+allow ::1;\n\s+deny all;/,
    );
  });

  it('never hashes for stickiness', () => {
    expect(nginxStartingConfig(spec())).not.toMatch(/^\s*(ip_hash|hash )/m);
  });
});
