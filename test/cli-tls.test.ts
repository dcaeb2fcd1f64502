import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExit, jsonOf, runCli, type CliOptions, type CliResult } from './cli-helpers.js';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildHealthWar } from '@tomcat-pd/testkit/test-war';
import type { ClientAuthTomcat, HttpsTomcat } from '@tomcat-pd/testkit/tomcat-instance';

// The built CLI (`pnpm run build`) against two Tomcats with an HTTPS connector each: a plain one,
// and one that requires a client certificate. Only loopback addresses are ever contacted.
let tls: HttpsTomcat;
let mutual: ClientAuthTomcat;
let dir: string;

beforeAll(async () => {
  [tls, mutual] = await startTogether([
    startTomcat({ https: true }),
    startTomcat({ https: { clientAuth: true } }),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-cli-tls-'));
});

afterAll(async () => {
  await Promise.all([tls?.stop(), mutual?.stop()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** `tomcat-pd status ARGS --url <https manager> --user U`, the password in the environment. */
function status(tomcat: HttpsTomcat, args: readonly string[] = [], options: CliOptions = {}) {
  return runCli(['status', ...args, '--url', tomcat.httpsManagerUrl, '--user', tomcat.user], {
    ...options,
    env: { TOMCAT_PD_PASSWORD: tomcat.password, ...options.env },
  });
}

/** The paths `status --json` lists: proof that the CLI really talked to that Tomcat. */
function appPaths(result: CliResult): string[] {
  return jsonOf<{ apps: { path: string }[] }>(result).apps.map((app) => app.path);
}

function expectNoSecret(result: CliResult, tomcat: HttpsTomcat): void {
  const basic = Buffer.from(`${tomcat.user}:${tomcat.password}`).toString('base64');
  for (const form of [tomcat.password, encodeURIComponent(tomcat.password), basic]) {
    expect(result.stdout).not.toContain(form);
    expect(result.stderr).not.toContain(form);
  }
}

describe('tomcat-pd against an https:// Manager', () => {
  it('without --ca-file refuses the self-signed certificate: exit 4, says so, no password', async () => {
    const result = expectExit(await status(tls, ['--verbose']), 4);
    expect(result.stderr).toMatch(/TLS certificate was not accepted/);
    expect(result.stderr).toContain(tls.httpsManagerUrl);
    expect(result.stdout).toBe('');
    expectNoSecret(result, tls);
  });

  it('with --ca-file trusts it: exit 0, the status, and no warning', async () => {
    const result = await status(tls, ['--json', '--ca-file', tls.caFile]);
    expect(appPaths(result)).toContain('/manager');
    expect(result.stderr).not.toMatch(/warning/i);
  });

  it('takes the CA file from the config target too', async () => {
    const config = join(dir, 'ca-in-config.json');
    await writeFile(
      config,
      JSON.stringify({
        targets: [{ name: 'secure', url: tls.httpsManagerUrl, user: tls.user, caFile: tls.caFile }],
      }),
    );
    const result = await runCli(['status', '--json', '--config', config], {
      env: { TOMCAT_PD_PASSWORD: tls.password },
    });
    expect(appPaths(result)).toContain('/manager');
  });

  it('with --insecure connects, but warns loudly on stderr (not on stdout)', async () => {
    const result = await status(tls, ['--json', '--insecure']);
    expect(appPaths(result)).toContain('/manager');
    expect(result.stderr).toContain('--insecure');
    expect(result.stderr).toContain('NOT verified');
    expect(result.stdout).not.toContain('NOT verified');
    expectNoSecret(result, tls);
  });

  it("with another Tomcat's CA refuses the certificate: exit 4", async () => {
    const result = expectExit(await status(tls, ['--ca-file', mutual.caFile]), 4);
    expect(result.stderr).toMatch(/certificate/);
  });

  it('an unreadable --ca-file is a usage error naming the file: exit 2', async () => {
    const missing = join(dir, 'no-such-ca.pem');
    const result = expectExit(await status(tls, ['--ca-file', missing]), 2);
    expect(result.stderr).toContain(missing);
  });
});

describe('tomcat-pd against an https:// Manager that requires a client certificate', () => {
  it('without --cert-file is refused: exit 4', async () => {
    const result = expectExit(await status(mutual, ['--ca-file', mutual.caFile]), 4);
    expect(result.stderr).toContain(mutual.httpsManagerUrl);
    expectNoSecret(result, mutual);
  });

  it('with --cert-file and --key-file is accepted: exit 0', async () => {
    const result = await status(mutual, [
      '--json',
      '--ca-file',
      mutual.caFile,
      '--cert-file',
      mutual.clientCertFile,
      '--key-file',
      mutual.clientKeyFile,
    ]);
    expect(appPaths(result)).toContain('/manager');
  });

  it('--cert-file without --key-file is a usage error: exit 2', async () => {
    const result = expectExit(
      await status(mutual, ['--ca-file', mutual.caFile, '--cert-file', mutual.clientCertFile]),
      2,
    );
    expect(result.stderr).toMatch(/--key-file/);
  });
});

// A TLS file that cannot be used is bad input: exit 2 naming the file, before any connection,
// not exit 4 with "the TLS certificate was not accepted" (which sends people to the server).
describe('unusable TLS files are usage errors naming the file', () => {
  it('a CA file in DER instead of PEM: exit 2', async () => {
    const der = join(dir, 'ca.der');
    await writeFile(der, new X509Certificate(tls.caPem).raw);
    const result = await status(tls, ['--ca-file', der]);
    expectExit(result, 2);
    expect(result.stderr).toContain(der);
  });

  it('an encrypted client key (there is no passphrase option): exit 2', async () => {
    const encrypted = join(dir, 'encrypted.key');
    const key = createPrivateKey(await readFile(mutual.clientKeyFile));
    await writeFile(
      encrypted,
      key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'not-given' }),
    );
    const result = await status(mutual, [
      '--ca-file',
      mutual.caFile,
      '--cert-file',
      mutual.clientCertFile,
      '--key-file',
      encrypted,
    ]);
    expectExit(result, 2);
    expect(result.stderr).toContain(encrypted);
  });

  it('a client key that does not belong to the certificate: exit 2', async () => {
    const other = join(dir, 'other.key');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(other, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const result = await status(mutual, [
      '--ca-file',
      mutual.caFile,
      '--cert-file',
      mutual.clientCertFile,
      '--key-file',
      other,
    ]);
    expectExit(result, 2);
    expect(result.stderr).toContain(other);
  });
});

// Probes (issue 11) reach the app with the same TLS options as the Manager: the Manager over
// plain HTTP and visitors over HTTPS (`--app-url`) is how a TLS-terminating connector looks.
describe('deploy --probe over https', () => {
  /** `deploy <health WAR> --path P --probe /health --json ARGS` against the plain-HTTP Manager of `tls`. */
  async function deployProbed(path: string, args: readonly string[]): Promise<CliResult> {
    const war = await buildHealthWar(dir, {
      label: path.slice(1),
      health: 'ok',
      fileName: `${path.slice(1)}.war`,
    });
    return runCli(
      [
        'deploy',
        war,
        '--path',
        path,
        '--probe',
        '/health',
        '--json',
        '--url',
        tls.managerUrl,
        '--user',
        tls.user,
        ...args,
      ],
      { env: { TOMCAT_PD_PASSWORD: tls.password } },
    );
  }

  async function versionsOf(path: string): Promise<string[]> {
    const result = await runCli(
      ['status', '--path', path, '--json', '--url', tls.managerUrl, '--user', tls.user],
      {
        env: { TOMCAT_PD_PASSWORD: tls.password },
      },
    );
    return jsonOf<{ apps: { versions: { version: string }[] }[] }>(result).apps.flatMap((app) =>
      app.versions.map((v) => v.version),
    );
  }

  it("with --ca-file the probe trusts the app URL's certificate and passes", async () => {
    const result = await deployProbed('/tlsok', ['--app-url', tls.httpsBaseUrl, '--ca-file', tls.caFile]);
    const document = jsonOf<{ probes: { url: string; status: number; ok: boolean }[] }>(result);
    expect(document.probes).toEqual([
      expect.objectContaining({ url: `${tls.httpsBaseUrl}/tlsok/health`, status: 200, ok: true }),
    ]);
    expect(await versionsOf('/tlsok')).toEqual(['001']);
  });

  it('without it the certificate is refused at once (it will not heal): the version is undone, exit 1', async () => {
    const started = Date.now();
    const result = await deployProbed('/tlsbad', ['--app-url', tls.httpsBaseUrl]);
    const document = jsonOf<{ error: { code: string; message: string } }>(result, 1);
    expect(document.error.code).toBe('E_PROBE');
    expect(document.error.message).toContain(`${tls.httpsBaseUrl}/tlsbad/health`);
    expect(document.error.message).toMatch(/certificate was not accepted/);
    expect(document.error.message).toMatch(/no version of \/tlsbad is deployed now/);
    // Not the 60 s of a probe that waits for an app to come up.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await versionsOf('/tlsbad')).toEqual([]);
    expectNoSecret(result, tls);
  });
});
