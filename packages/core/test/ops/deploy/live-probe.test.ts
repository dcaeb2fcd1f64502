import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { FleetOperationError, ProbeError } from '../../../src/errors/error-classes.js';
import { describeApp } from '../../../src/ops/app-status.js';
import { deploy } from '../../../src/ops/deploy/deploy.js';
import { fleetDeploy } from '../../../src/ops/deploy/fleet-deploy.js';
import { drain } from '../../../src/ops/drain/drain.js';
import { rollback } from '../../../src/ops/rollback/rollback.js';
import { undeployVersion } from '../../../src/ops/undeploy/undeploy.js';
import { FakeManager, entry, fakeFleet } from '../../helpers/fake-client.js';
import { minimalWar } from '../../helpers/zip.js';

let war: string;
const health = { paths: ['/health'], timeoutMs: 300, intervalMs: 10 };

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-probes-'));
  war = join(dir, 'shop.war');
  await writeFile(war, minimalWar());
});

/** A Tomcat whose newest /shop version (and its smoke copy) answers `answer` at /health. */
function tomcatAnswering(status: number, body: string, contexts = [entry('/shop', '001', 'running', 3)]) {
  const tomcat = new FakeManager(contexts);
  tomcat.answerVisit = () => ({ status, body });
  return tomcat;
}

async function failureOf(promise: Promise<unknown>): Promise<TomcatPdError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as TomcatPdError,
  );
}

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
    const tomcat = tomcatAnswering(503, 'starting');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const error = await failureOf(
      deploy(tomcat, {
        path: '/shop',
        warFile: war,
        probe: { ...health, timeoutMs: 10_000 },
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe(ErrorCode.aborted);
    expect(error.message).toMatch(
      /^The probe of the new version \/shop##002 was aborted\. It was undeployed; version 001 is live again\./,
    );
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });
});

describe('deploy with a smoke test', () => {
  it('tries the WAR under a temporary path first, removes it, then deploys for real', async () => {
    const tomcat = tomcatAnswering(200, 'healthy');
    const result = await deploy(tomcat, { path: '/shop', warFile: war, smoke: health });
    const [smoke] = result.probes;
    expect(smoke).toMatchObject({
      phase: 'smoke',
      ok: true,
      url: expect.stringMatching(/^http:\/\/fake\.test\/shop-smoke-[0-9a-f]{4}\/health$/),
    });
    const temporary = /\/shop-smoke-[0-9a-f]{4}/.exec(smoke?.url ?? '')?.[0];
    expect(tomcat.changes).toEqual([`deploy ${temporary}##`, `undeploy ${temporary}##`, 'deploy /shop##002']);
    expect(tomcat.contexts.map((c) => `${c.path}##${c.version}`)).toEqual(['/shop##001', '/shop##002']);
  });

  it('a failed smoke test changes nothing for visitors and leaves no temporary context', async () => {
    const tomcat = tomcatAnswering(500, 'broken');
    const error = await failureOf(deploy(tomcat, { path: '/', warFile: war, smoke: health }));
    expect(error).toBeInstanceOf(ProbeError);
    expect(error.message).toMatch(
      /^The smoke test of \/ failed: http:\/\/fake\.test\/ROOT-smoke-[0-9a-f]{4}\/health answered HTTP 500/,
    );
    expect(error.hint).toMatch(/^Nothing changed for visitors/);
    expect(tomcat.contexts).toEqual([entry('/shop', '001', 'running', 3)]);
    expect(tomcat.changes.filter((call) => call.startsWith('deploy'))).toHaveLength(1);
  });

  it('removes the temporary context after an abort too', async () => {
    const tomcat = tomcatAnswering(503, 'starting');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const error = await failureOf(
      deploy(tomcat, {
        path: '/shop',
        warFile: war,
        smoke: { ...health, timeoutMs: 10_000 },
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe(ErrorCode.aborted);
    expect(error.message).toMatch(
      /^The smoke test of \/shop under \/shop-smoke-[0-9a-f]{4} was aborted\. It was removed again; nothing changed for visitors\.$/,
    );
    expect(tomcat.contexts).toEqual([entry('/shop', '001', 'running', 3)]);
  });
});

describe('fleets with probes', () => {
  it('one target that fails its probe undoes the version everywhere; the report says what each answered', async () => {
    const fleet = fakeFleet([entry('/shop', '001')], [entry('/shop', '001')], [entry('/shop', '001')]);
    fleet[1]!.answerVisit = () => ({ status: 500, body: 'broken' });
    const error = await failureOf(fleetDeploy(fleet, { path: '/shop', warFile: war, probe: health }));
    expect(error).toBeInstanceOf(FleetOperationError);
    expect(error.code).toBe(ErrorCode.probe);
    const targets = (error as FleetOperationError).targets;
    expect(targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'undone'],
    ]);
    expect(targets[1]?.probes).toEqual([expect.objectContaining({ target: 'web2', ok: false, status: 500 })]);
    expect(targets[0]?.probes).toEqual([expect.objectContaining({ target: 'web1', ok: true })]);
    for (const tomcat of fleet) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('with a canary, the others start only once its probe passed', async () => {
    const fleet = fakeFleet([entry('/shop', '001')], [entry('/shop', '001')]);
    fleet[0]!.answerVisit = () => ({ status: 500, body: 'broken' });
    await failureOf(fleetDeploy(fleet, { path: '/shop', warFile: war, probe: health, canary: 1 }));
    expect(fleet[1]!.changes).toEqual([]);
  });

  it('a failed smoke test on one target deploys nothing anywhere', async () => {
    const fleet = fakeFleet([entry('/shop', '001')], [entry('/shop', '001')]);
    fleet[1]!.answerVisit = () => ({ status: 500, body: 'broken' });
    const error = await failureOf(fleetDeploy(fleet, { path: '/shop', warFile: war, smoke: health }));
    expect(error.message).toMatch(/^The smoke test failed on web2: .* Nothing was deployed\.$/);
    for (const tomcat of fleet) expect(tomcat.contexts.map((c) => c.path + c.version)).toEqual(['/shop001']);
  });
});

describe('probes after a rollback, an undeploy, a drain', () => {
  it('a rollback whose restored version answers 500 says so in its probes, and stays done', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    tomcat.answerVisit = () => ({ status: 500, body: 'still broken' });
    const result = await rollback(tomcat, { path: '/shop', probe: health });
    expect(result.probes).toEqual([
      expect.objectContaining({ phase: 'after', version: '001', ok: false, status: 500 }),
    ]);
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('an undeploy that leaves no version running fails its probe at once, without a request', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    let visits = 0;
    tomcat.answerVisit = () => {
      visits += 1;
      return { status: 404, body: '' };
    };
    const result = await undeployVersion(tomcat, {
      path: '/shop',
      version: '001',
      force: true,
      probe: health,
    });
    expect(result.probes).toEqual([
      expect.objectContaining({
        phase: 'after',
        ok: false,
        status: null,
        url: 'http://fake.test/shop/health',
      }),
    ]);
    expect(result.probes[0]).not.toHaveProperty('version');
    expect(visits).toBe(0);
  });

  it('an undeploy checks what is live afterwards', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    const result = await undeployVersion(tomcat, { path: '/shop', version: '001', probe: health });
    expect(result.probes).toEqual([expect.objectContaining({ phase: 'after', ok: true })]);
  });

  it('a drain probes the apps it changed, and removes a leftover smoke context', async () => {
    const tomcat = new FakeManager([
      entry('/shop', '001'),
      entry('/shop', '002'),
      entry('/shop-smoke-4f2a', ''),
      entry('/other', '001'),
    ]);
    expect(describeApp(tomcat.contexts, '/shop-smoke-4f2a').versions[0]?.role).toBe('smoke');
    const report = await drain(tomcat, { graceMs: 0, probe: health });
    expect(tomcat.changes).toEqual(['undeploy /shop##001', 'undeploy /shop-smoke-4f2a##']);
    expect(report.probes.map((probe) => probe.url)).toEqual(['http://fake.test/shop/health']);
  });
});
