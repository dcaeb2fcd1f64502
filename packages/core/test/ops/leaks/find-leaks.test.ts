import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { createManagerClient, type ManagerClient } from '../../../src/manager/manager-client.js';
import { findLeaksAfter } from '../../../src/ops/leaks/find-leaks.js';
import { startMockManager, type MockManager } from '../../helpers/mock-manager.js';

// The real client against a stand-in Manager that answers recorded findleaks texts
// (fixtures/README.md): the request, the parsing and the report in one go.

let mock: MockManager;
let client: ManagerClient;

beforeEach(async () => {
  mock = await startMockManager();
  client = createManagerClient(
    { name: 'web1', url: `${mock.origin}/manager`, user: 'deployer', password: 's3cret' },
    { retries: 2, retryDelayMs: 10, timeoutMs: 2_000 },
  );
});

afterEach(async () => {
  await mock.close();
});

/** The stand-in answers every request with the recorded `file`. */
function answer(file: string): void {
  mock.handle((_req, res) => res.end(fixture(file)));
}

describe('findLeaksAfter', () => {
  it('ties each named path to the versions this operation undeployed of it', async () => {
    answer('findleaks-two-versions.txt');
    const report = await findLeaksAfter(client, {
      undeployed: [
        { path: '/leaky', version: '002' },
        { path: '/tidy', version: '001' },
      ],
    });
    // /leaky##001 leaked in an earlier operation: Tomcat cannot tell which one, so 002 is a suspect.
    // /other was not touched now; /tidy was unloaded cleanly and is not named.
    expect(report).toEqual({
      target: 'web1',
      leaks: [
        { path: '/leaky', undeployedNow: ['002'] },
        { path: '/other', undeployedNow: [] },
      ],
    });
  });

  it('lists every version of a path undeployed now, each once, in the order given', async () => {
    answer('tomcat9/findleaks-two-versions.txt');
    const report = await findLeaksAfter(client, {
      undeployed: [
        { path: '/leaky', version: '002' },
        { path: '/leaky', version: '001' },
        { path: '/leaky', version: '002' },
      ],
    });
    expect(report.leaks).toEqual([
      { path: '/leaky', undeployedNow: ['002', '001'] },
      { path: '/other', undeployedNow: [] },
    ]);
  });

  it('ROOT is `/` on both sides; `/ROOT` is read as `/`', async () => {
    answer('findleaks-root.txt');
    const report = await findLeaksAfter(client, {
      undeployed: [
        { path: '/ROOT', version: '001' },
        { path: '/', version: '' },
      ],
    });
    expect(report.leaks.find((leak) => leak.path === '/')).toEqual({ path: '/', undeployedNow: ['001', ''] });
  });

  it('no leaks: an empty report, the target named', async () => {
    answer('findleaks-tidy-undeployed.txt');
    expect(await findLeaksAfter(client, { undeployed: [{ path: '/tidy', version: '001' }] })).toEqual({
      target: 'web1',
      leaks: [],
    });
  });

  it('refuses an invalid path before forcing a GC on the server', async () => {
    answer('findleaks-one-leak.txt');
    const error: unknown = await findLeaksAfter(client, {
      undeployed: [{ path: 'shop', version: '001' }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TomcatPdError);
    expect((error as TomcatPdError).code).toBe(ErrorCode.usage);
    expect(mock.requests).toHaveLength(0);
  });

  it('passes the signal: an aborted call sends nothing and rejects E_ABORTED', async () => {
    answer('findleaks-one-leak.txt');
    const controller = new AbortController();
    controller.abort();
    await expect(findLeaksAfter(client, { undeployed: [], signal: controller.signal })).rejects.toMatchObject(
      { code: ErrorCode.aborted },
    );
    expect(mock.requests).toHaveLength(0);
  });

  it('a FAIL answer is a TomcatFailError', async () => {
    mock.handle((_req, res) => res.end('FAIL - Find leaks failed: Host not instance of StandardHost\n'));
    await expect(findLeaksAfter(client, { undeployed: [] })).rejects.toMatchObject({
      code: ErrorCode.tomcatFail,
      command: 'findleaks',
    });
  });
});
