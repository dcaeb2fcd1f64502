import { readFile, mkdtemp, rm } from 'node:fs/promises';
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
  type TlsOptions,
  type TomcatPdError,
} from '@tomcat-pd/core';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { ClientAuthTomcat, HttpsTomcat } from '@tomcat-pd/testkit/tomcat-instance';
import { Visitor } from '@tomcat-pd/testkit/visitor';

// Two Tomcats, started side by side: one with a plain HTTPS connector, one that also requires a
// client certificate. Each has its own fresh self-signed certificate.
let tls: HttpsTomcat;
let mutual: ClientAuthTomcat;
let wars: string;

beforeAll(async () => {
  [tls, mutual] = await startTogether([
    startTomcat({ https: true }),
    startTomcat({ https: { clientAuth: true } }),
  ]);
  wars = await mkdtemp(join(tmpdir(), 'tomcat-pd-wars-'));
});

afterAll(async () => {
  await Promise.all([tls?.stop(), mutual?.stop()]);
  if (wars !== undefined) await rm(wars, { recursive: true, force: true });
});

/** A client of the instance's HTTPS Manager with the manager-script user. */
function httpsClient(
  tomcat: HttpsTomcat,
  tlsOptions?: TlsOptions,
  options: ClientOptions = {},
): ManagerClient {
  return createManagerClient(
    { url: tomcat.httpsManagerUrl, user: tomcat.user, password: tomcat.password },
    { ...options, ...(tlsOptions === undefined ? {} : { tls: tlsOptions }) },
  );
}

/** The error `getStatus` rejects with (fails the test if it resolves). */
async function statusError(client: ManagerClient): Promise<TomcatPdError> {
  return getStatus(client).then(
    () => {
      throw new Error('getStatus resolved; a TLS failure was expected');
    },
    (error: unknown) => error as TomcatPdError,
  );
}

describe('an https:// Manager with a self-signed certificate', () => {
  it('is refused without its CA: E_CONNECT naming the certificate, no retry, no password in the error', async () => {
    const debug: string[] = [];
    const client = httpsClient(tls, undefined, { logger: { debug: (message) => debug.push(message) } });
    const error = await statusError(client);
    expect(error).toMatchObject({ code: 'E_CONNECT' });
    expect(error.message).toContain(tls.httpsManagerUrl);
    expect(error.message).toMatch(/TLS certificate was not accepted \([A-Z_]*(SELF_SIGNED|CERT)[A-Z_]*\)/);
    // A certificate that is not trusted will not become trusted by asking again.
    expect(debug.join('\n')).not.toMatch(/retrying/);
    const basic = Buffer.from(`${tls.user}:${tls.password}`).toString('base64');
    for (const text of [
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error),
      String(error.stack),
      String(error),
      inspect(error.cause, { depth: 10, showHidden: true }),
      inspect(client, { depth: 10 }),
    ]) {
      expect(text).not.toContain(tls.password);
      expect(text).not.toContain(basic);
    }
  });

  it("is refused with another instance's CA", async () => {
    const error = await statusError(httpsClient(tls, { ca: mutual.caPem }));
    expect(error).toMatchObject({ code: 'E_CONNECT' });
    expect(error.message).toMatch(/certificate/);
  });

  it('is accepted with its CA: status, and a streamed deploy of a WAR over https', async () => {
    const client = httpsClient(tls, { ca: tls.caPem });
    const before = await getStatus(client);
    expect(before.managerUrl).toBe(tls.httpsManagerUrl);
    expect(before.apps.map((app) => app.path)).toContain('/manager');

    // list and the upload are separate requests (a GET and a streamed PUT): both must carry the CA.
    const warFile = await buildTestWar(wars, { label: 'over-tls' });
    const result = await deploy(client, { path: '/tls', warFile });
    expect(result).toMatchObject({ path: '/tls', version: '001', live: '001' });
    expect(result.bytes).toBeGreaterThan(0);
    expect(await new Visitor(tls.baseUrl).get('/tls/')).toMatchObject({ label: 'over-tls', version: '001' });
    const after = await getStatus(client, { path: '/tls' });
    expect(after.apps[0]).toMatchObject({ path: '/tls', live: '001' });
  });

  it('is accepted with the CA file read from disk (as the CLI passes it: a Buffer)', async () => {
    const ca = await readFile(tls.caFile);
    expect(ca.toString('utf8')).toBe(tls.caPem);
    expect((await getStatus(httpsClient(tls, { ca }))).managerUrl).toBe(tls.httpsManagerUrl);
  });

  it('is accepted with insecure: true (no verification at all)', async () => {
    const status = await getStatus(httpsClient(tls, { insecure: true }));
    expect(status.apps.map((app) => app.path)).toContain('/manager');
  });
});

describe('an https:// Manager that requires a client certificate', () => {
  it('is refused without a client certificate, even with the right CA', async () => {
    const error = await statusError(httpsClient(mutual, { ca: mutual.caPem }));
    expect(error).toMatchObject({ code: 'E_CONNECT' });
    expect(error.message).toContain(mutual.httpsManagerUrl);
    expect(error.message).not.toContain(mutual.password);
  });

  it('says that the server wants a client certificate, not that its own was not accepted', async () => {
    // Node reports the server's TLS alert (ERR_SSL_..._ALERT_BAD_CERTIFICATE, or
    // ..._CERTIFICATE_REQUIRED with TLS 1.3); "the TLS certificate was not accepted" reads as if
    // the server's certificate were the problem, and sends people to their CA file.
    const error = await statusError(httpsClient(mutual, { ca: mutual.caPem }));
    expect(`${error.message} ${error.hint ?? ''}`).toMatch(/client certificate/i);
  });

  it('is accepted with the CA, the client certificate and its key: status and a deploy', async () => {
    const [cert, key] = await Promise.all([readFile(mutual.clientCertFile), readFile(mutual.clientKeyFile)]);
    const client = httpsClient(mutual, { ca: mutual.caPem, cert, key });
    expect((await getStatus(client)).apps.map((app) => app.path)).toContain('/manager');
    const warFile = await buildTestWar(wars, { label: 'mutual-tls', fileName: 'mutual.war' });
    expect(await deploy(client, { path: '/mtls', warFile })).toMatchObject({ path: '/mtls', live: '001' });
    expect(await new Visitor(mutual.baseUrl).get('/mtls/')).toMatchObject({ label: 'mutual-tls' });
  });

  it('is refused with a client certificate but without the server CA', async () => {
    const [cert, key] = await Promise.all([readFile(mutual.clientCertFile), readFile(mutual.clientKeyFile)]);
    const error = await statusError(httpsClient(mutual, { cert, key }));
    expect(error).toMatchObject({ code: 'E_CONNECT' });
    expect(error.message).toMatch(/TLS certificate was not accepted/);
  });
});
