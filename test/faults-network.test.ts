/**
 * Network faults between tomcat-pd and a real Tomcat, injected by a TCP proxy (packages/testkit/src/fault-proxy.ts)
 * where Tomcat cannot produce them on demand. Each fault, and the promise it proves:
 *
 * Reads (list, serverinfo, sessions) — safety rule 7 (docs/architecture.md#safety-rules):
 * - Connection refused for ~300 ms, then back: the read retries with back-off and succeeds.
 * - The first 2 connections reset before an answer: the read succeeds on the 3rd attempt.
 * - Resets that never stop: E_CONNECT after exactly retries + 1 attempts, within the time the
 *   back-off allows (retryDelayMs doubling, capped at 5 s); `retries` bounds it.
 * - A slow answer (each chunk held 300 ms) within the time-out: it is waited for, not retried.
 * - An answer that never comes: E_CONNECT ("timed out") after timeoutMs per attempt; once the
 *   proxy heals, the next read works (nothing is left stuck in the client).
 * - CLI: `--retries 0` fails at once with exit 4 after a single attempt; `--retries 5` rides out
 *   a 1 s outage; `--timeout` bounds a stalled answer (exit 4, "timed out").
 *
 * Deploys — never retried blindly; after an ambiguous failure the server state is read and reconciled:
 * - The upload is cut (reset) after 5 MB of a ~20 MB WAR: E_CONNECT; the hint says "Nothing of
 *   /x##002 was left on the server. Version 001 of /x is live."; `list` shows no 002; 001 still
 *   serves; the PUT was sent once. Through the CLI: exit 4 and the same state in the message.
 * - The upload stalls (the proxy stops forwarding after 5 MB): the stall watchdog aborts it
 *   within about stallTimeoutMs; reconciled the same way (nothing left, 001 serves).
 * - The whole WAR reaches Tomcat but the connection is reset when its answer comes back: the
 *   version did start; the error's hint says so ("Tomcat did deploy and start ...; It is live."),
 *   and `list` and a visitor confirm it runs.
 *   Through the CLI (all-or-nothing, like a fleet): exit 4, the version is undeployed again, and the
 *   --json document's target says so (outcome undone, hint with what Tomcat did).
 * - Same, but the connection is reset as soon as the request was delivered, while Tomcat is still
 *   deploying: the tool waits for Tomcat to finish and reports the version as started and live,
 *   instead of "nothing was left" or "left stopped, undeploy it by hand".
 */
import { describe, expect, it } from 'vitest';
import {
  createManagerClient,
  deploy,
  getStatus,
  type ClientOptions,
  type ManagerClient,
  type TomcatPdError,
} from '@tomcat-pd/core';
import { collect, expectExit, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import { startFaultProxy, type FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import { buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const MB = 1024 * 1024;

/** A proxy in front of this file's Tomcat, closed after `work`. */
async function withProxy<T>(work: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(Number(new URL(fixture.tomcat.baseUrl).port));
  try {
    return await work(proxy);
  } finally {
    await proxy.close();
  }
}

/** A client that talks to Tomcat through the proxy; `lines` collects what it logs. */
function clientVia(proxy: FaultProxy, options: ClientOptions = {}): ManagerClient & { lines: string[] } {
  const { tomcat } = fixture;
  const lines: string[] = [];
  const logger = { debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m) };
  const client = createManagerClient(
    { url: proxy.managerUrl, user: tomcat.user, password: tomcat.password },
    { logger, ...options },
  );
  return Object.assign(client, { lines });
}

async function failureOf(promise: Promise<unknown>): Promise<TomcatPdError> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error as TomcatPdError,
  );
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** `tomcat-pd ARGS --url <proxy> --user U`, the password in the environment. */
function cliVia(proxy: FaultProxy, args: readonly string[]) {
  const { tomcat } = fixture;
  return runCli([...args, '--url', proxy.managerUrl, '--user', tomcat.user], {
    env: { TOMCAT_PD_PASSWORD: tomcat.password },
  });
}

const versionsOf = async (path: string) =>
  (await getStatus(fixture.client, { path })).apps[0]?.versions.map((v) => [v.version, v.state]);

const isList = (line: string) => line.startsWith('GET /manager/text/list');
const isPut = (line: string) => line.startsWith('PUT /manager/text/deploy');
// The CLI's deploys upload the release lock's tiny record first (docs/lock.md): the faults here
// are the app's upload's, so they match it alone.
const APP_PUT = /^PUT \/manager\/text\/deploy\?path=%2F(?!tomcat-pd-lock)/;
const isAppPut = (line: string) => APP_PUT.test(line);

describe('reads through a faulty network', () => {
  it('retries while the connection is refused and succeeds once it is back', async () => {
    await withProxy(async (proxy) => {
      const client = clientVia(proxy, { retries: 5, retryDelayMs: 100 });
      proxy.refuse();
      const healing = new Promise((resolve) => setTimeout(resolve, 300)).then(() => proxy.heal());
      const { value: status, ms } = await timed(() => getStatus(client));
      await healing;
      expect(status.apps.map((app) => app.path)).toContain('/manager');
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(client.lines).toContainEqual(
        expect.stringMatching(/list attempt 1 failed .*connection refused/),
      );
    });
  });

  it('succeeds on the 3rd attempt when the first 2 connections are reset before an answer', async () => {
    await withProxy(async (proxy) => {
      const client = clientVia(proxy, { retries: 3, retryDelayMs: 50 });
      proxy.reset({ match: /^GET \S*\/text\/list/, times: 2 });
      const status = await getStatus(client);
      expect(status.apps.map((app) => app.path)).toContain('/manager');
      expect(proxy.faulted).toBe(2);
      expect(proxy.requests.filter(isList)).toHaveLength(3);
      expect(client.lines.filter((line) => /the connection was reset.*retrying/.test(line))).toHaveLength(2);
    });
  });

  it('gives up with E_CONNECT after retries + 1 attempts, within the back-off bound', async () => {
    await withProxy(async (proxy) => {
      const client = clientVia(proxy, { retries: 3, retryDelayMs: 100 });
      proxy.reset();
      const { value: error, ms } = await timed(() => failureOf(getStatus(client)));
      expect(error).toMatchObject({
        code: 'E_CONNECT',
        message: expect.stringMatching(/connection was reset/),
      });
      expect(proxy.connections).toBe(4);
      // Back-off 100 + 200 + 400 ms between the 4 attempts; each reset attempt itself takes ms.
      expect(ms).toBeGreaterThanOrEqual(650);
      expect(ms).toBeLessThan(700 + 1_500);
    });
  });

  it('waits for a slow answer within the time-out, without retrying', async () => {
    await withProxy(async (proxy) => {
      const client = clientVia(proxy, { retries: 3, retryDelayMs: 50, timeoutMs: 2_000 });
      // Every chunk is held 300 ms each way: slow, but well within the time-out.
      proxy.delay(300);
      const { value: status, ms } = await timed(() => getStatus(client));
      expect(status.apps.map((app) => app.path)).toContain('/manager');
      expect(ms).toBeGreaterThanOrEqual(600);
      expect(proxy.connections).toBe(1);
    });
  });

  it('times out an answer that never comes, and works again once the proxy heals', async () => {
    await withProxy(async (proxy) => {
      const client = clientVia(proxy, { retries: 1, retryDelayMs: 100, timeoutMs: 500 });
      // The request reaches Tomcat; its answer never comes back.
      proxy.stall({ afterClientBytes: Infinity });
      const { value: error, ms } = await timed(() => failureOf(getStatus(client)));
      expect(error).toMatchObject({ code: 'E_CONNECT', message: expect.stringMatching(/timed out/) });
      expect(proxy.requests.filter(isList)).toHaveLength(2);
      // Two attempts of 500 ms and a 100 ms pause.
      expect(ms).toBeGreaterThanOrEqual(1_050);
      expect(ms).toBeLessThan(1_100 + 1_500);
      await proxy.heal();
      expect((await getStatus(client)).apps.map((app) => app.path)).toContain('/manager');
    });
  });
});

describe('the CLI through a faulty network', () => {
  it('--retries 0 fails at once, after one attempt, with exit 4', async () => {
    await withProxy(async (proxy) => {
      proxy.reset();
      const { value, ms } = await timed(() => cliVia(proxy, ['status', '--retries', '0']));
      const result = expectExit(value, 4);
      // Node's start-up included: no back-off at all.
      expect(ms).toBeLessThan(5_000);
      expect(result.stderr).toMatch(/Cannot reach the Manager .*connection was reset/);
      // One read, tried once: the release lock is read from the same list (docs/lock.md).
      expect(proxy.connections).toBe(1);
    });
  });

  it('--retries 5 rides out a 1 s outage', async () => {
    await withProxy(async (proxy) => {
      proxy.refuse();
      const { tomcat } = fixture;
      const child = spawnCli(
        ['status', '--json', '--verbose', '--retries', '5', '--url', proxy.managerUrl, '--user', tomcat.user],
        { env: { TOMCAT_PD_PASSWORD: tomcat.password } },
      );
      const finished = collect(child, 30_000);
      // The outage lasts 1 s from the CLI's first failed attempt (its start-up time does not count).
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stderr.on('data', (chunk: string) => {
          seen += chunk;
          if (/attempt 1 failed/.test(seen)) resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await proxy.heal();
      const result = await finished;
      expect(JSON.stringify(jsonOf(result))).toContain('"/manager"');
      // Back-off 250, 500, 1000 ms: attempts 2 and 3 also met the outage.
      expect(result.stderr).toMatch(/attempt 1 failed .*connection refused.*retrying/);
      expect(result.stderr).toMatch(/attempt 3 failed .*connection refused.*retrying/);
    });
  });

  it('--timeout bounds a stalled answer (exit 4); the next command works once it heals', async () => {
    await withProxy(async (proxy) => {
      proxy.stall({ afterClientBytes: Infinity });
      const { value: stalled, ms } = await timed(() =>
        cliVia(proxy, ['status', '--timeout', '1s', '--retries', '0']),
      );
      expectExit(stalled, 4);
      expect(ms).toBeGreaterThanOrEqual(1_000);
      expect(ms).toBeLessThan(1_000 + 4_000);
      expect(stalled.stderr).toMatch(/Cannot reach the Manager .*timed out/);
      await proxy.heal();
      expectExit(await cliVia(proxy, ['status', '--timeout', '1s', '--retries', '0']), 0);
    });
  });
});

describe('deploys through a faulty network', () => {
  /** Deploys version 001 of `path` directly (no proxy) and returns a ~20 MB WAR for 002. */
  async function firstVersionAndLargeWar(path: string): Promise<string> {
    const { client, warDir } = fixture;
    const label = path.slice(1);
    await deploy(client, {
      path,
      warFile: await buildTestWar(warDir, { label, fileName: `${label}-1.war` }),
    });
    return buildLargeWar(warDir, 20 * MB, `${label}-big`);
  }

  async function expectOnlyFirstVersionServes(path: string): Promise<void> {
    expect(await versionsOf(path)).toEqual([['001', 'running']]);
    expect(await new Visitor(fixture.tomcat.baseUrl).get(`${path}/`)).toMatchObject({
      label: path.slice(1),
      version: '001',
    });
  }

  async function expectSecondVersionLive(path: string): Promise<void> {
    expect(await versionsOf(path)).toEqual([
      ['001', 'running'],
      ['002', 'running'],
    ]);
    expect(await new Visitor(fixture.tomcat.baseUrl).get(`${path}/`)).toMatchObject({ version: '002' });
  }

  it('an upload cut after 5 MB leaves nothing; the hint says so; 001 keeps serving', async () => {
    const war = await firstVersionAndLargeWar('/cut');
    await withProxy(async (proxy) => {
      proxy.reset({ match: /^PUT /, afterClientBytes: 5 * MB });
      const error = await failureOf(deploy(clientVia(proxy), { path: '/cut', warFile: war }));
      expect(error).toMatchObject({ code: 'E_CONNECT' });
      expect(error.hint).toMatch(
        /^Nothing of \/cut##002 was left on the server\. Version 001 of \/cut is live\./,
      );
      expect(proxy.requests.filter(isPut)).toHaveLength(1);
    });
    await expectOnlyFirstVersionServes('/cut');
  });

  it('the CLI exits 4 after a cut upload and says what state the server is in', async () => {
    const war = await firstVersionAndLargeWar('/clicut');
    await withProxy(async (proxy) => {
      proxy.reset({ match: APP_PUT, afterClientBytes: 5 * MB });
      const human = expectExit(await cliVia(proxy, ['deploy', war, '--path', '/clicut']), 4);
      expect(human.stderr).toMatch(
        /Cannot reach the Manager .*\(deploy\): the connection was (reset|closed)/,
      );
      expect(human.stderr).toMatch(/nothing is left half-deployed/);
      proxy.reset({ match: APP_PUT, afterClientBytes: 5 * MB });
      const json = jsonOf<{ error: { code: string; targets: { error?: { hint?: string } }[] } }>(
        await cliVia(proxy, ['deploy', war, '--path', '/clicut', '--json']),
        4,
      );
      expect(json.error.code).toBe('E_CONNECT');
      expect(json.error.targets[0]?.error?.hint).toMatch(
        /^Nothing of \/clicut##002 was left on the server\. Version 001 of \/clicut is live\./,
      );
      expect(proxy.requests.filter(isAppPut)).toHaveLength(2);
    });
    await expectOnlyFirstVersionServes('/clicut');
  });

  it('a stalled upload is aborted by the watchdog within the stall time, then reconciled', async () => {
    const war = await firstVersionAndLargeWar('/stall');
    await withProxy(async (proxy) => {
      proxy.stall({ match: /^PUT /, afterClientBytes: 5 * MB });
      const { value: error, ms } = await timed(() =>
        failureOf(deploy(clientVia(proxy), { path: '/stall', warFile: war, stallTimeoutMs: 1_000 })),
      );
      expect(error).toMatchObject({ code: 'E_CONNECT', message: expect.stringMatching(/stalled/) });
      expect(error.hint).toMatch(
        /^Nothing of \/stall##002 was left on the server\. Version 001 of \/stall is live\./,
      );
      expect(ms).toBeGreaterThanOrEqual(1_000);
      expect(ms).toBeLessThan(1_000 + 4_000);
      expect(proxy.requests.filter(isPut)).toHaveLength(1);
    });
    await expectOnlyFirstVersionServes('/stall');
  });

  it('a version that started although its answer was lost is reported as deployed and live', async () => {
    const war = await firstVersionAndLargeWar('/lost');
    await withProxy(async (proxy) => {
      proxy.cutAnswer({ match: /^PUT / });
      const error = await failureOf(deploy(clientVia(proxy), { path: '/lost', warFile: war }));
      expect(error).toMatchObject({ code: 'E_CONNECT' });
      expect(error.hint).toMatch(
        /^Tomcat did deploy and start \/lost##002; it was left running\. It is live\./,
      );
      expect(proxy.faulted).toBe(1);
      expect(proxy.requests.filter(isPut)).toHaveLength(1);
    });
    await expectSecondVersionLive('/lost');
  });

  // The CLI deploys all-or-nothing (fleetDeploy, safety rule 5): a target that took the version
  // although its answer was lost is undone too, and the report says what happened there.
  it('the CLI exits 4 after a lost answer, undoes the version that started, and its JSON says so', async () => {
    const war = await firstVersionAndLargeWar('/clilost');
    await withProxy(async (proxy) => {
      proxy.cutAnswer({ match: APP_PUT });
      const json = jsonOf<{
        error: { code: string; targets: { outcome: string; error?: { hint?: string } }[] };
      }>(await cliVia(proxy, ['deploy', war, '--path', '/clilost', '--json']), 4);
      expect(json.error.code).toBe('E_CONNECT');
      expect(json.error.targets[0]?.outcome).toBe('undone');
      expect(json.error.targets[0]?.error?.hint).toMatch(
        /^It was undeployed again, as the deploy failed as a whole\. Tomcat did deploy and start \/clilost##002/,
      );
    });
    expect(await versionsOf('/clilost')).toEqual([['001', 'running']]);
  });

  it('the human message after a lost answer tells the truth: nothing is left half-deployed', async () => {
    const war = await firstVersionAndLargeWar('/clihuman');
    await withProxy(async (proxy) => {
      proxy.cutAnswer({ match: APP_PUT });
      const human = expectExit(await cliVia(proxy, ['deploy', war, '--path', '/clihuman']), 4);
      expect(human.stderr).toMatch(/nothing is left half-deployed/);
      expect(human.stderr).toMatch(/undone/);
    });
    expect(await versionsOf('/clihuman')).toEqual([['001', 'running']]);
  });

  it('a connection reset while Tomcat is still deploying: waits, then reports it started and live', async () => {
    const war = await firstVersionAndLargeWar('/early');
    await withProxy(async (proxy) => {
      proxy.cutAnswer({ match: /^PUT /, when: 'request-sent' });
      const error = await failureOf(deploy(clientVia(proxy), { path: '/early', warFile: war }));
      expect(error).toMatchObject({ code: 'E_CONNECT' });
      expect(proxy.faulted).toBe(1);
      expect(error.hint).toMatch(
        /^Tomcat did deploy and start \/early##002; it was left running\. It is live\./,
      );
    });
    await expectSecondVersionLive('/early');
  });
});
