/**
 * Secrets (safety rule 6, docs/architecture.md#safety-rules): the password and the Authorization value (base64 of
 * user:password) never appear in any output, on any error path, `--verbose` and `--json` included.
 * One real Tomcat (HTTP and HTTPS connectors), the fault proxy (packages/testkit/src/fault-proxy.ts) for the
 * network faults, and a tiny node:http server for a redirect. Each fault, and the promise it proves:
 *
 * Through the CLI (`--verbose --json`; stdout and stderr searched for the password, its URL and
 * JSON encodings, and the Basic value):
 * - 401 (a typo of the real password), 403 (a manager-gui user), connection refused, reset,
 *   an answer that times out, a TLS certificate that is not trusted (https without --ca-file),
 *   a 302 redirect (whose body even echoes the Authorization header it got), Tomcat's FAIL (a WAR
 *   whose context fails to start, then reconciled), an upload cut in the middle (then reconciled),
 *   a version that does not exist, an existing version (safety refusal): each exits with its code
 *   and its error, and no secret is in the output.
 * Through the library: the same faults (and FAIL answers of undeploy and a raw deploy); each
 * error, seen through util.inspect (showHidden, full depth), JSON.stringify, String and its stack,
 * and everything the library logged, holds no secret; neither does util.inspect of the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createManagerClient,
  deploy,
  getStatus,
  type ClientOptions,
  type ManagerClient,
  type ManagerTarget,
} from '@tomcat-pd/core';
import { jsonOf, runCli, type CliResult } from './cli-helpers.js';
import { startFaultProxy, type FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildFailingWar, buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { HttpsTomcat } from '@tomcat-pd/testkit/tomcat-instance';

const MB = 1024 * 1024;
let tomcat: HttpsTomcat;
let proxy: FaultProxy;
let redirect: http.Server;
let redirectUrl: string;
/** The Authorization values the redirecting server received: proof that the secret was in play. */
const redirectSaw: string[] = [];
let dir: string;
let goodWar: string;
let failingWar: string;
let largeWar: string;

beforeAll(async () => {
  tomcat = await startTomcat({ https: true });
  proxy = await startFaultProxy(Number(new URL(tomcat.baseUrl).port));
  redirect = http.createServer((req, res) => {
    redirectSaw.push(req.headers.authorization ?? '');
    res.writeHead(302, { Location: `https://127.0.0.1:${proxy.port}/manager/text/list` });
    // A careless server echoing what it got: the tool must not print an answer's body.
    res.end(`<html>Moved. You sent ${req.headers.authorization ?? ''}</html>`);
  });
  await new Promise<void>((resolve) => redirect.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}/manager`;
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-secrets-'));
  goodWar = await buildTestWar(dir, { label: 'sec' });
  failingWar = await buildFailingWar(dir, 'sec');
  largeWar = await buildLargeWar(dir, 12 * MB, 'sec-big');
  const direct = createManagerClient({
    url: tomcat.managerUrl,
    user: tomcat.user,
    password: tomcat.password,
  });
  await deploy(direct, { path: '/sec', warFile: goodWar });
});

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => (redirect ? redirect.close(resolve) : resolve(undefined)));
  await tomcat?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every form in which a password could show: as is, URL-encoded, JSON-escaped, and in the Basic value. */
function secretForms(user: string, password: string): string[] {
  return [
    password,
    encodeURIComponent(password),
    JSON.stringify(password).slice(1, -1),
    Buffer.from(`${user}:${password}`).toString('base64'),
  ];
}

/** The secrets of every credential this file uses (the typo contains the real password). */
function allSecrets(): string[] {
  const { script, guiOnly } = tomcat.users;
  return [
    ...secretForms(script.name, script.password),
    ...secretForms(script.name, typo()),
    ...secretForms(guiOnly.name, guiOnly.password),
  ];
}

const typo = () => `${tomcat.password}x`;

function expectNoSecretIn(texts: readonly string[]): void {
  const secrets = allSecrets();
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
}

interface CliCase {
  name: string;
  args: () => string[];
  url?: () => string;
  user?: () => { name: string; password: string };
  arrange?: () => void | Promise<void>;
  exit: number;
  code: string;
  /** What the output says: proof that this error path, and no other, was taken. */
  says: RegExp;
}

const CLI_CASES: CliCase[] = [
  {
    name: '401 (wrong password)',
    args: () => ['status'],
    user: () => ({ name: tomcat.user, password: typo() }),
    exit: 4,
    code: 'E_AUTH',
    says: /HTTP 401/,
  },
  {
    name: '403 (no manager-script)',
    args: () => ['status'],
    user: () => tomcat.users.guiOnly,
    exit: 4,
    code: 'E_FORBIDDEN',
    says: /HTTP 403/,
  },
  {
    name: 'connection refused',
    args: () => ['status', '--retries', '0'],
    url: () => proxy.managerUrl,
    arrange: () => proxy.refuse(),
    exit: 4,
    code: 'E_CONNECT',
    says: /connection refused/,
  },
  {
    name: 'connection reset',
    args: () => ['status', '--retries', '1'],
    url: () => proxy.managerUrl,
    arrange: () => proxy.reset(),
    exit: 4,
    code: 'E_CONNECT',
    says: /connection was reset/,
  },
  {
    name: 'answer timed out',
    args: () => ['status', '--retries', '0', '--timeout', '300ms'],
    url: () => proxy.managerUrl,
    arrange: () => proxy.stall({ afterClientBytes: Infinity }),
    exit: 4,
    code: 'E_CONNECT',
    says: /timed out/,
  },
  {
    name: 'TLS certificate not trusted',
    args: () => ['status'],
    url: () => tomcat.httpsManagerUrl,
    exit: 4,
    code: 'E_CONNECT',
    says: /TLS certificate was not accepted/,
  },
  {
    name: 'redirect',
    args: () => ['status'],
    url: () => redirectUrl,
    exit: 4,
    code: 'E_NOT_MANAGER',
    says: /redirected list \(HTTP 302\)/,
  },
  {
    name: "Tomcat's FAIL (context failed to start)",
    args: () => ['deploy', failingWar, '--path', '/sec'],
    exit: 1,
    code: 'E_TOMCAT_FAIL',
    says: /context failed to start/,
  },
  {
    name: 'upload cut in the middle',
    args: () => ['deploy', largeWar, '--path', '/sec'],
    url: () => proxy.managerUrl,
    arrange: () => proxy.reset({ match: /^PUT /, afterClientBytes: 4 * MB }),
    exit: 4,
    code: 'E_CONNECT',
    says: /Nothing of \/sec##002 was left/,
  },
  {
    name: 'no such version',
    args: () => ['undeploy', '--path', '/sec', '--version', '999'],
    exit: 1,
    code: 'E_NOT_FOUND',
    says: /not deployed/,
  },
  {
    name: 'existing version (refused)',
    args: () => ['deploy', goodWar, '--path', '/sec', '--version', '001'],
    exit: 3,
    code: 'E_UNSAFE',
    says: /refusing to overwrite/,
  },
];

describe('no secret in the CLI output on any error path (--verbose --json)', () => {
  it.each(CLI_CASES)('$name', async (testCase) => {
    await proxy.heal();
    await testCase.arrange?.();
    const user = testCase.user?.() ?? tomcat.users.script;
    const url = testCase.url?.() ?? tomcat.managerUrl;
    const result: CliResult = await runCli(
      [...testCase.args(), '--verbose', '--json', '--url', url, '--user', user.name],
      { env: { TOMCAT_PD_PASSWORD: user.password } },
    );
    // A failed command's document is {"error": ...}; status reports unreachable targets in "errors".
    const document = jsonOf<{ error?: { code: string }; errors?: { error: { code: string } }[] }>(
      result,
      testCase.exit,
    );
    expect(document.error?.code ?? document.errors?.[0]?.error.code).toBe(testCase.code);
    expect(result.stdout).toMatch(testCase.says);
    // --verbose was in effect: every request was logged (without a secret).
    expect(result.stderr).toMatch(/debug: .*GET \/manager\/text\//);
    expectNoSecretIn([result.stdout, result.stderr]);
  });

  it('the redirecting server did get the Authorization header (the secret was in play)', () => {
    const { script } = tomcat.users;
    expect(redirectSaw).toContain(
      `Basic ${Buffer.from(`${script.name}:${script.password}`).toString('base64')}`,
    );
  });
});

interface LibraryCase {
  name: string;
  code: string;
  /** What the error's message or hint says: proof that this error path was taken. */
  says: RegExp;
  run: (
    make: (target?: Partial<ManagerTarget>, options?: ClientOptions) => ManagerClient,
  ) => Promise<unknown>;
  arrange?: () => void | Promise<void>;
}

const LIBRARY_CASES: LibraryCase[] = [
  { name: '401', code: 'E_AUTH', says: /HTTP 401/, run: (make) => getStatus(make({ password: typo() })) },
  {
    name: '403',
    code: 'E_FORBIDDEN',
    says: /HTTP 403/,
    run: (make) =>
      getStatus(make({ user: tomcat.users.guiOnly.name, password: tomcat.users.guiOnly.password })),
  },
  {
    name: 'connection refused',
    code: 'E_CONNECT',
    says: /connection refused/,
    arrange: () => proxy.refuse(),
    run: (make) => getStatus(make({ url: proxy.managerUrl }, { retries: 0 })),
  },
  {
    name: 'connection reset (retried once)',
    code: 'E_CONNECT',
    says: /connection was reset/,
    arrange: () => proxy.reset(),
    run: (make) => getStatus(make({ url: proxy.managerUrl }, { retries: 1, retryDelayMs: 10 })),
  },
  {
    name: 'answer timed out',
    code: 'E_CONNECT',
    says: /timed out/,
    arrange: () => proxy.stall({ afterClientBytes: Infinity }),
    run: (make) => getStatus(make({ url: proxy.managerUrl }, { retries: 0, timeoutMs: 300 })),
  },
  {
    name: 'TLS certificate not trusted',
    code: 'E_CONNECT',
    says: /TLS certificate was not accepted/,
    run: (make) => getStatus(make({ url: tomcat.httpsManagerUrl })),
  },
  {
    name: 'redirect',
    code: 'E_NOT_MANAGER',
    says: /redirected list \(HTTP 302\)/,
    run: (make) => getStatus(make({ url: redirectUrl })),
  },
  {
    name: 'FAIL of an undeploy of a missing version',
    code: 'E_TOMCAT_FAIL',
    says: /No context exists named \[\/sec##999\]/,
    run: (make) => make().undeploy({ path: '/sec', version: '999' }),
  },
  {
    name: 'FAIL of a raw deploy of an existing version',
    code: 'E_TOMCAT_FAIL',
    says: /Application already exists at path \[\/sec##001\]/,
    run: (make) => make().deploy({ path: '/sec', version: '001', warFile: goodWar }),
  },
  {
    name: 'FAIL of a context that failed to start (reconciled)',
    code: 'E_TOMCAT_FAIL',
    says: /The stopped context \/sec##002 was undeployed/,
    run: (make) => deploy(make(), { path: '/sec', warFile: failingWar }),
  },
  {
    name: 'upload cut in the middle (reconciled)',
    code: 'E_CONNECT',
    says: /Nothing of \/sec##002 was left on the server/,
    arrange: () => proxy.reset({ match: /^PUT /, afterClientBytes: 4 * MB }),
    run: (make) => deploy(make({ url: proxy.managerUrl }), { path: '/sec', warFile: largeWar }),
  },
];

describe("no secret in the library's errors or logs", () => {
  it.each(LIBRARY_CASES)('$name', async (testCase) => {
    await proxy.heal();
    await testCase.arrange?.();
    const logged: string[] = [];
    const record = (message: string) => logged.push(message);
    const logger = { debug: record, info: record, warn: record, error: record };
    const clients: ManagerClient[] = [];
    const make = (target: Partial<ManagerTarget> = {}, options: ClientOptions = {}) => {
      const { script } = tomcat.users;
      const made = createManagerClient(
        { url: tomcat.managerUrl, user: script.name, password: script.password, ...target },
        { logger, ...options },
      );
      clients.push(made);
      return made;
    };
    const error = await testCase.run(make).then(
      () => expect.fail('expected a failure'),
      (failure: unknown) => failure as Error & { code: string; hint?: string },
    );
    expect(error.code).toBe(testCase.code);
    expect(`${error.message} ${error.hint ?? ''}`).toMatch(testCase.says);
    expect(
      logged.some((line) => line.includes('GET /manager/text/') || line.includes('PUT /manager/text/')),
    ).toBe(true);
    expectNoSecretIn([
      inspect(error, { showHidden: true, depth: Infinity }),
      JSON.stringify(error),
      String(error),
      error.stack ?? '',
      ...clients.map((made) => inspect(made, { showHidden: true, depth: Infinity })),
      ...logged,
    ]);
  });
});
