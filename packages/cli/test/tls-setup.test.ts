import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type TomcatPdError } from '@tomcat-pd/core';
import type { ResolvedTarget } from '../src/connection.js';
import { connectionWarnings, loadTls } from '../src/tls-setup.js';

// Pure functions: nothing here opens a connection.

describe('connectionWarnings', () => {
  it('warns that a password to a remote http:// Manager travels in clear text', () => {
    const warnings = connectionWarnings('http://web1.example:8080/manager', false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('web1.example:8080');
    expect(warnings[0]).toMatch(/clear text/);
    expect(warnings[0]).toContain('https://');
  });

  it.each([
    'http://127.0.0.1:8080/manager',
    'http://127.10.20.30/manager',
    'http://localhost:8080/manager',
    'http://LOCALHOST:8080/manager',
    'http://[::1]:8080/manager',
    'http://[0:0:0:0:0:0:0:1]:8080/manager',
  ])('does not warn for the loopback address %s', (url) => {
    expect(connectionWarnings(url, false)).toEqual([]);
  });

  it.each([
    'http://127.0.0.1.attacker.example/manager',
    'http://localhost.attacker.example/manager',
    'http://192.0.2.10:8080/manager',
    'http://[2001:db8::1]:8080/manager',
  ])('warns for %s, which only looks local or is on a network', (url) => {
    expect(connectionWarnings(url, false).join('\n')).toMatch(/clear text/);
  });

  it('does not warn for https:// with verification', () => {
    expect(connectionWarnings('https://web1.example:8443/manager', false)).toEqual([]);
    expect(connectionWarnings('https://127.0.0.1:8443/manager', false)).toEqual([]);
  });

  it('warns loudly for https:// with --insecure, loopback or not', () => {
    for (const url of ['https://web1.example:8443/manager', 'https://127.0.0.1:8443/manager']) {
      const warnings = connectionWarnings(url, true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('--insecure');
      expect(warnings[0]).toContain('NOT verified');
      expect(warnings[0]).toContain(new URL(url).host);
      expect(warnings[0]).toContain('--ca-file');
    }
  });

  it('gives --insecure no extra warning for http:// (there is no certificate to skip)', () => {
    expect(connectionWarnings('http://127.0.0.1:8080/manager', true)).toEqual([]);
    expect(connectionWarnings('http://web1.example:8080/manager', true)).toHaveLength(1);
  });

  it('never repeats credentials written into the URL', () => {
    const warnings = connectionWarnings('http://deployer:s3cret@web1.example:8080/manager', false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('s3cret');
    expect(warnings[0]).not.toContain('deployer');
  });

  it('says nothing about a URL that does not parse (the client reports that)', () => {
    expect(connectionWarnings('not a url', true)).toEqual([]);
  });
});

describe('loadTls', () => {
  // Real material, committed (fixtures/tls/README.md): loadTls checks that the certificate and key
  // fit together. The self-signed certificate is the CA file too.
  const tlsFixture = (name: string) => fileURLToPath(new URL(`fixtures/tls/${name}`, import.meta.url));
  const files = {
    ca: tlsFixture('client-cert.pem'),
    cert: tlsFixture('client-cert.pem'),
    key: tlsFixture('client-key.pem'),
  };
  const PEM = { ca: '', cert: '', key: '' };
  // Where the files that are missing or unreadable are.
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-tls-setup-'));
    for (const name of ['ca', 'cert', 'key'] as const) PEM[name] = await readFile(files[name], 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function target(tlsFiles: ResolvedTarget['tlsFiles']): ResolvedTarget {
    return {
      name: 'web1',
      url: 'https://web1.example:8443/manager',
      user: 'deployer',
      password: 'pw-Secret-9',
      appUrl: undefined,
      tlsFiles,
    };
  }

  async function usageFailure(tlsFiles: ResolvedTarget['tlsFiles']): Promise<TomcatPdError> {
    const error = (await loadTls(target(tlsFiles), false).then(
      () => {
        throw new Error('loadTls resolved; a usage error was expected');
      },
      (e: unknown) => e,
    )) as TomcatPdError;
    expect(error.code).toBe(ErrorCode.usage);
    expect(error.message).not.toContain('pw-Secret-9');
    return error;
  }

  it('gives no TLS options without files or --insecure', async () => {
    expect(await loadTls(target({}), false)).toEqual({});
  });

  it('reads the CA, the client certificate and its key', async () => {
    const tls = await loadTls(target({ caFile: files.ca, certFile: files.cert, keyFile: files.key }), false);
    expect(Object.keys(tls).sort()).toEqual(['ca', 'cert', 'key']);
    expect(String(tls.ca)).toBe(PEM.ca);
    expect(String(tls.cert)).toBe(PEM.cert);
    expect(String(tls.key)).toBe(PEM.key);
    expect(tls.insecure).toBeUndefined();
  });

  it('passes --insecure on, alone or with a CA file', async () => {
    expect(await loadTls(target({}), true)).toEqual({ insecure: true });
    const tls = await loadTls(target({ caFile: files.ca }), true);
    expect(tls.insecure).toBe(true);
    expect(String(tls.ca)).toBe(PEM.ca);
  });

  it('an unreadable CA file is a usage error naming the file and the target', async () => {
    const missing = join(dir, 'missing-ca.pem');
    const error = await usageFailure({ caFile: missing });
    expect(error.message).toContain(missing);
    expect(error.message).toContain('web1');
    expect(error.message).toMatch(/CA file/);
  });

  it('an unreadable key file is a usage error naming that file', async () => {
    const error = await usageFailure({ certFile: files.cert, keyFile: dir });
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/client key/);
  });

  it('a client certificate without its key (or a key without certificate) is a usage error', async () => {
    for (const tlsFiles of [{ certFile: files.cert }, { keyFile: files.key }]) {
      const error = await usageFailure(tlsFiles);
      expect(error.message).toContain('--cert-file');
      expect(error.message).toContain('--key-file');
    }
  });

  it('checks the pair before reading: a missing certificate without key names the missing key', async () => {
    const error = await usageFailure({ certFile: join(dir, 'missing-cert.pem') });
    expect(error.message).toMatch(/needs both --cert-file and --key-file/);
  });
});
