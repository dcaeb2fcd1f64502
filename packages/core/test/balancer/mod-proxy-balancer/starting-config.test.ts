import { describe, expect, it } from 'vitest';
import { modProxyBalancerStartingConfig } from '../../../src/balancer/mod-proxy-balancer/starting-config.js';
import { parseStartingConfigOptions } from '../../../src/balancer/starting-config-options.js';
import { TWO_TOMCATS } from '../starting-config-fixture.js';

const spec = (change = {}) => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change });

describe('modProxyBalancerStartingConfig', () => {
  it('is the reviewed document', async () => {
    await expect(modProxyBalancerStartingConfig(spec())).toMatchFileSnapshot(
      '__snapshots__/starting-config.mod-proxy-balancer.conf',
    );
  });

  it("routes by the session id's jvmRoute", () => {
    const text = modProxyBalancerStartingConfig(spec());
    expect(text).toContain('BalancerMember http://10.0.0.12:8080 route=web2 ');
    expect(text).toContain('ProxySet stickysession=JSESSIONID|jsessionid scolonpathdelim=On');
  });

  it('checks OPTIONS below 500 without a probe, GET 2xx-3xx with one', () => {
    expect(modProxyBalancerStartingConfig(spec())).toContain(
      'hcmethod=OPTIONS hcuri=/shop/ hcexpr=tomcat_pd_ok',
    );
    expect(modProxyBalancerStartingConfig(spec())).toContain(
      'ProxyHCExpr tomcat_pd_ok {%{REQUEST_STATUS} < 500}',
    );
    const probed = modProxyBalancerStartingConfig(spec({ probe: '/health' }));
    expect(probed).toContain('hcmethod=GET hcuri=/shop/health hcinterval');
    expect(probed).not.toContain('ProxyHCExpr');
  });

  it('keeps the balancer-manager to this machine and out of the proxied paths', () => {
    const text = modProxyBalancerStartingConfig(spec({ path: '/' }));
    expect(text).toContain('ProxyPass /balancer-manager !');
    expect(text).toContain('    Require local');
    expect(text.indexOf('ProxyPass /balancer-manager !')).toBeLessThan(
      text.indexOf('ProxyPass / balancer://tomcats/'),
    );
  });
});
