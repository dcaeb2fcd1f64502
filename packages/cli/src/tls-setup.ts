import { readFile } from 'node:fs/promises';
import { usageError, type TlsOptions } from '@tomcat-pd/core';
import type { ResolvedTarget } from './connection.js';

/** Reads a target's TLS files into the options of its client. */
export async function loadTls(target: ResolvedTarget, insecure: boolean): Promise<TlsOptions> {
  const read = async (file: string | undefined, what: string) => {
    if (file === undefined) return undefined;
    try {
      return await readFile(file);
    } catch (error) {
      throw usageError(
        `Cannot read the ${what} ${file} for target ${target.name}: ${(error as Error).message}`,
      );
    }
  };
  const { caFile, certFile, keyFile } = target.tlsFiles;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw usageError(`Target ${target.name}: a client certificate needs both --cert-file and --key-file.`);
  }
  const [ca, cert, key] = await Promise.all([
    read(caFile, 'CA file'),
    read(certFile, 'client certificate'),
    read(keyFile, 'client key'),
  ]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(insecure ? { insecure: true } : {}),
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** What a person should know before their password goes over this connection. */
export function connectionWarnings(url: string, insecure: boolean): string[] {
  // An invalid URL gets its typed usage error from the client; nothing to warn about here.
  if (!URL.canParse(url)) return [];
  const { protocol, hostname, host } = new URL(url);
  const warnings: string[] = [];
  if (protocol === 'http:' && !LOOPBACK.test(hostname)) {
    warnings.push(`${host} is reached over plain http://: the password travels in clear text. Use https://.`);
  }
  if (protocol === 'https:' && insecure) {
    warnings.push(
      `--insecure: the TLS certificate of ${host} is NOT verified; anyone on the way can read the password ` +
        'and change deployments. Use --ca-file instead.',
    );
  }
  return warnings;
}
