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
    const { tomcat, signal } = abortedWhileStarting();
    const error = await failureOf(
      deploy(tomcat, {
        path: '/shop',
        warFile: war,
        smoke: { ...health, timeoutMs: 10_000 },
        signal,
      }),
    );
    expect(error.code).toBe(ErrorCode.aborted);
    expect(error.message).toMatch(
      /^The smoke test of \/shop under \/shop-smoke-[0-9a-f]{4} was aborted\. It was removed again; nothing changed for visitors\.$/,
    );
    expect(tomcat.contexts).toEqual([entry('/shop', '001', 'running', 3)]);
  });
});
