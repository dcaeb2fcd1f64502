import { describe, expect, it } from 'vitest';
import { haproxyStartingConfig } from '../../../src/balancer/haproxy/starting-config.js';
import { parseStartingConfigOptions } from '../../../src/balancer/starting-config-options.js';
import { TWO_TOMCATS } from '../starting-config-fixture.js';

const spec = (change = {}) => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change });

describe('haproxyStartingConfig', () => {
  it('is the reviewed document', async () => {
    await expect(haproxyStartingConfig(spec())).toMatchFileSnapshot(
      '__snapshots__/starting-config.haproxy.cfg',
    );
  });

  it("keeps visitors by an inserted cookie that expires with Tomcat's session, never by a hash", () => {
    const text = haproxyStartingConfig(spec({ sessionTimeoutMinutes: 45 }));
    expect(text).toContain('cookie TOMCAT_PD_ROUTE insert indirect nocache httponly maxidle 45m');
    expect(text).toContain('server web1 10.0.0.11:8080 check inter 2s cookie web1');
    expect(text).not.toMatch(/^\s*(balance (source|hdr|url_param)|hash-type)/m);
  });

  it('pins a request to a named server, even drained or in maint, by the cookie or the query string', () => {
    const text = haproxyStartingConfig(spec());
    expect(text).toContain('acl pin_asked url_param(TOMCAT_PD_PIN) -m str web1 web2\n');
    expect(text).toContain('acl pin_cookie req.cook(TOMCAT_PD_PIN) -m str web1 web2\n');
    expect(text).toContain('force-persist if pin_asked || pin_cookie !unpin');
    expect(text).toContain('use-server web2 if { var(txn.pin) -m str web2 }');
    expect(text).toContain(
      'http-response add-header Set-Cookie "TOMCAT_PD_PIN=%[var(txn.pin_asked)]; Path=/" if { var(txn.pin_asked) -m found }',
    );
  });

  it('copies into Set-Cookie only a value that is one of the servers, never the raw query string', () => {
    const text = haproxyStartingConfig(spec());
    const copied = text
      .split('\n')
      .filter((line) => line.includes('url_param(TOMCAT_PD_PIN)') && line.includes('set-var'));
    expect(copied).toEqual(['    http-request set-var(txn.pin_asked) url_param(TOMCAT_PD_PIN) if pin_asked']);
  });

  it("checks a probe path with GET (2xx-3xx, HAProxy's default), else OPTIONS below 500", () => {
    expect(haproxyStartingConfig(spec({ probe: '/health' }))).toContain('option httpchk GET /shop/health\n');
    expect(haproxyStartingConfig(spec({ probe: '/health' }))).not.toContain('http-check expect');
    expect(haproxyStartingConfig(spec())).toContain('http-check expect rstatus ^[1-4][0-9][0-9]$');
  });

  it('binds the admin socket to a UNIX path (mode 600) or to loopback, never elsewhere', () => {
    expect(haproxyStartingConfig(spec({ admin: '/tmp/a.sock' }))).toContain(
      'stats socket /tmp/a.sock mode 600 level admin',
    );
    expect(haproxyStartingConfig(spec({ admin: 'tcp://127.0.0.1:9999' }))).toContain(
      'stats socket ipv4@127.0.0.1:9999 level admin',
    );
    expect(haproxyStartingConfig(spec({ admin: 'tcp://[::1]:9999' }))).toContain(
      'stats socket ipv6@::1:9999',
    );
    expect(() => haproxyStartingConfig(spec({ admin: 'tcp://0.0.0.0:9999' }))).toThrow(/loopback/);
  });
});
