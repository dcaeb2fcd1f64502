import { describe, expect, it } from 'vitest';
import { modJkStartingConfig } from '../../../src/balancer/mod-jk/starting-config.js';
import { parseStartingConfigOptions } from '../../../src/balancer/starting-config-options.js';
import { TWO_TOMCATS } from '../starting-config-fixture.js';

const spec = (change = {}) => parseStartingConfigOptions({ ...TWO_TOMCATS, ...change });

describe('modJkStartingConfig', () => {
  it('is the reviewed document', async () => {
    await expect(modJkStartingConfig(spec())).toMatchFileSnapshot(
      '__snapshots__/starting-config.mod-jk.conf',
    );
  });

  it("names each AJP worker as its Tomcat's jvmRoute, AJP 8009 unless told", () => {
    const text = modJkStartingConfig(spec());
    expect(text).toContain('JkWorkerProperty worker.tomcats.balance_workers=web1,web2');
    expect(text).toContain('JkWorkerProperty worker.web1.port=8009');
    expect(text).toContain('JkWorkerProperty worker.web2.port=8010');
    expect(text).toContain('JkWorkerProperty worker.tomcats.sticky_session=true');
  });

  it('keeps the status worker to this machine', () => {
    expect(modJkStartingConfig(spec({ admin: '/jk' }))).toContain(
      '<Location /jk>\n    Require local\n</Location>',
    );
  });

  it('mounts the app, or everything but the console for the root app', () => {
    expect(modJkStartingConfig(spec())).toContain('JkMount /shop tomcats\nJkMount /shop/* tomcats');
    expect(modJkStartingConfig(spec({ path: '/' }))).toContain(
      'JkMount /* tomcats\nJkUnMount /jkstatus tomcats',
    );
  });
});
