import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { ProbeError } from '../../../src/errors/error-classes.js';
import { deploy } from '../../../src/ops/deploy/deploy.js';
import { abortedWhileStarting, entry, health, tomcatAnswering } from '../../helpers/fake-client.js';
import { failureOf } from '../../helpers/failure.js';
import { minimalWarFile } from '../../helpers/zip.js';

let war: string;
beforeAll(async () => {
  war = await minimalWarFile();
});

describe('deploy with a probe after live', () => {
  it('keeps a version that answers healthy and reports the probe', async () => {
    const tomcat = tomcatAnswering(200, 'healthy');
    const result = await deploy(tomcat, { path: '/shop', warFile: war, probe: health });
    expect(result.probes).toEqual([
      expect.objectContaining({ phase: 'live', url: 'http://fake.test/shop/health', status: 200, ok: true }),
    ]);
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001', '002']);
  });

  it('undeploys a version that answers 500: the previous one is live again, its sessions kept', async () => {
    const tomcat = tomcatAnswering(500, 'broken: missing JDBC driver');
    const error = await failureOf(deploy(tomcat, { path: '/shop', warFile: war, probe: health }));
    expect(error).toBeInstanceOf(ProbeError);
    expect(error.code).toBe(ErrorCode.probe);
    expect(error.message).toMatch(
      /^The new version \/shop##002 did not answer healthy: http:\/\/fake\.test\/shop\/health answered HTTP 500: "broken: missing JDBC driver" \(it was live for \d+\.\d s\)\. It was undeployed; version 001 is live again\.$/,
    );
    expect((error as ProbeError).probes).toEqual([expect.objectContaining({ ok: false, status: 500 })]);
    expect(tomcat.contexts).toEqual([entry('/shop', '001', 'running', 3)]);
    expect(tomcat.changes).toEqual(['deploy /shop##002', 'undeploy /shop##002']);
  });

  it('a first deploy that fails its probe is removed too, and says that no version is left', async () => {
    const tomcat = tomcatAnswering(200, 'unhealthy', []);
    const error = await failureOf(
      deploy(tomcat, { path: '/shop', warFile: war, probe: { ...health, expectText: 'healthy ' } }),
    );
    expect(error.message).toMatch(/It was undeployed; no version of \/shop is deployed now\.$/);
    expect(tomcat.contexts).toEqual([]);
  });

  it('an abort during the probe undoes the version too', async () => {
    const { tomcat, signal } = abortedWhileStarting();
    const error = await failureOf(
      deploy(tomcat, {
        path: '/shop',
        warFile: war,
        probe: { ...health, timeoutMs: 10_000 },
        signal,
      }),
    );
    expect(error.code).toBe(ErrorCode.aborted);
    expect(error.message).toMatch(
      /^The probe of the new version \/shop##002 was aborted\. It was undeployed; version 001 is live again\./,
    );
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });
});
