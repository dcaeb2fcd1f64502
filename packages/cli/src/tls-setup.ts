import { readFile } from 'node:fs/promises';
import { UsageError, type TlsOptions } from '@tomcat-pd/core';
import type { ResolvedTarget } from './connection.js';

/** Reads a target's TLS files into the options of its client. */
export async function loadTls(target: ResolvedTarget, insecure: boolean): Promise<TlsOptions> {
  const read = async (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw new UsageError(
        `Cannot read the ${what} ${file} for target ${target.name}: ${(error as Error).message}`,
      );
    }
  };
  const { caFile, certFile, keyFile } = target.tlsFiles;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(
      `Target ${target.name}: a client certificate needs both --cert-file and --key-file.`,
    );
  }
  const [ca, cert, key] = await Promise.all([
    read(caFile, 'CA file'),
    read(certFile, 'client certificate'),
    read(keyFile, 'client key'),
  ]);
  // Node ignores a CA that is not PEM, and reports a bad key only at the handshake, as if the
  // server had refused: check here, so that a wrong file is named before anything is sent.
  if (ca !== undefined && !ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(
      `The CA file ${caFile} for target ${target.name} is not a PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );
  }
  if (cert !== undefined && key !== undefined) checkClientPair(cert, key, certFile!, keyFile!);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(insecure ? { insecure: true } : {}),
  };
}

function checkClientPair(cert: Buffer, key: Buffer, certFile: string, keyFile: string): void {
  try {
    // Loaded here: node:tls and node:crypto are ~3 ms of every start, needed only with a client pair.
    process.getBuiltinModule('node:tls').createSecureContext({ cert, key });
  } catch (error) {
    throw new UsageError(
      `The client certificate ${certFile} and key ${keyFile} cannot be used: ${(error as Error).message}`,
      { hint: 'The key must be unencrypted PEM and belong to the certificate.' },
    );
  }
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** What a person should know before their password goes over this connection. */
export function connectionWarnings(
  url: string,
  insecure: boolean,
  tlsFiles: ResolvedTarget['tlsFiles'] = {},
): string[] {
  // An invalid URL gets its typed usage error from the client; nothing to warn about here.
  if (!URL.canParse(url)) return [];
  const { protocol, hostname, host } = new URL(url);
  const warnings: string[] = [];
  if (protocol === 'http:' && !LOOPBACK.test(hostname)) {
    warnings.push(`${host} is reached over plain http://: the password travels in clear text. Use https://.`);
  }
  if (protocol === 'http:' && Object.keys(tlsFiles).length > 0) {
    warnings.push(
      `${host} is reached over plain http://, so its TLS files (--ca-file, --cert-file) are not used.`,
    );
  }
  if (protocol === 'https:' && insecure) {
    warnings.push(
      `--insecure: the TLS certificate of ${host} is NOT verified; anyone on the way can read the password ` +
        'and change deployments. Use --ca-file instead.',
    );
  }
  return warnings;
}
