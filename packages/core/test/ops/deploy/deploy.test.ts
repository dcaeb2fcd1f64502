import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../../src/ops/deploy/deploy.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';
import { minimalWar } from '../../helpers/zip.js';

let war: string;
let notZip: string;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-deploy-'));
  war = join(dir, 'shop.war');
  notZip = join(dir, 'shop.txt');
  // A real (tiny) WAR: its central directory is read before the upload.
  await writeFile(war, minimalWar());
  await writeFile(notZip, 'hello');
});

describe('deploy', () => {
  it('deploys the next version and confirms it is live', async () => {
    const tomcat = new FakeManager([entry('/shop', '001', 'running', 2)]);
    const result = await deploy(tomcat, { path: '/shop', warFile: war });
    expect(result).toMatchObject({
      version: '002',
      live: '002',
      previousLive: '001',
      olderVersions: [{ version: '001', sessions: 2 }],
    });
    expect(tomcat.calls).toEqual(['list', 'deploy /shop##002', 'list']);
  });

  it('undeploys the stopped context Tomcat keeps after a failed start, and says so', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    tomcat.failToStart.add('002');
    const error = await deploy(tomcat, { path: '/shop', warFile: war }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.tomcatFail, kind: 'failed-to-start' });
    expect((error as TomcatPdError).hint).toMatch(/undeployed.*001 keeps serving/);
    expect(tomcat.changes).toEqual(['deploy /shop##002', 'undeploy /shop##002']);
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('does not claim the replaced version keeps serving after a failed update of it', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    tomcat.failToStart.add('002');
    const error = await deploy(tomcat, { path: '/shop', warFile: war, version: '002', update: true }).catch(
      (e: unknown) => e,
    );
    expect((error as TomcatPdError).hint).toMatch(/^The stopped context \/shop##002 was undeployed\.($| )/);
    expect((error as TomcatPdError).hint).not.toMatch(/002 keeps serving/);
  });

  it('reports honestly when the answer was lost but Tomcat started the version', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    tomcat.loseAnswer.set('deploy', new TomcatPdError(ErrorCode.connect, 'connection reset'));
    const error = await deploy(tomcat, { path: '/shop', warFile: war }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: ErrorCode.connect,
      hint: expect.stringMatching(/left running\. It is live/),
    });
    expect(tomcat.changes).toEqual(['deploy /shop##002']);
  });

  it('says nothing was left when a cut upload left no context', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    tomcat.failNext.set('deploy', new TomcatPdError(ErrorCode.connect, 'connection reset'));
    const error = await deploy(tomcat, { path: '/shop', warFile: war }).catch((e: unknown) => e);
    expect((error as TomcatPdError).hint).toMatch(/Nothing of \/shop##002 was left/);
  });

  it('never removes a version another deploy created meanwhile', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    let first = true;
    tomcat.beforeList = (contexts) => {
      if (first) first = false;
      else return;
      queueMicrotask(() => contexts.push(entry('/shop', '002')));
    };
    const error = await deploy(tomcat, { path: '/shop', warFile: war }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.tomcatFail, kind: 'already-exists' });
    expect(tomcat.changes).toEqual(['deploy /shop##002']);
  });

  it('checks path and file before sending anything', async () => {
    const tomcat = new FakeManager();
    for (const options of [
      { path: 'shop', warFile: war },
      { path: '/shop', warFile: notZip },
      { path: '/shop', warFile: join(tmpdir(), 'does-not-exist.war') },
      { path: '/shop', warFile: war, version: 'a/b' },
      { path: '/shop', warFile: war, semver: 'not-semver' },
      { path: '/shop', warFile: war, width: 0 },
    ]) {
      await expect(deploy(tomcat, options)).rejects.toMatchObject({ code: ErrorCode.usage });
    }
    expect(tomcat.calls).toEqual([]);
  });

  it('serialises two deploys of one app so they take different versions', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    const results = await Promise.all([
      deploy(tomcat, { path: '/shop', warFile: war }),
      deploy(tomcat, { path: '/shop', warFile: war }),
    ]);
    // Either may take the lock first; they must not claim the same version.
    expect(results.map((r) => r.version).sort()).toEqual(['002', '003']);
  });
});
