import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';

export const SSH_KEYGEN_BIN = '/usr/bin/ssh-keygen';

/** The key types the harness generates, as `ssh-keygen -t` names them. */
export type SshKeyType = 'ed25519' | 'ecdsa' | 'rsa';

const run = promisify(execFile);

/** A key pair written by `ssh-keygen -t <type> -N <passphrase> -f <file>`: `file` and `file.pub`. */
export interface SshKeyPair {
  /** The private key (mode 600, encrypted when a passphrase was given). */
  readonly file: string;
  /** The public key's line: `<algorithm> <base64> <comment>`. */
  readonly publicKey: string;
}

export async function generateKeyPair(
  type: SshKeyType,
  file: string,
  passphrase = '',
  comment = 'tomcat-pd-test',
): Promise<SshKeyPair> {
  await run(SSH_KEYGEN_BIN, ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', file]);
  return { file, publicKey: (await readFile(`${file}.pub`, 'utf8')).trim() };
}

/** The `SHA256:...` token of `ssh-keygen -l -E sha256 -f <file.pub>`: what a client shows and pins. */
export async function sha256Fingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await run(SSH_KEYGEN_BIN, ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const token = stdout.split(' ')[1];
  if (token === undefined || !token.startsWith('SHA256:')) {
    throw new Error(`ssh-keygen -l printed no SHA256 fingerprint for ${publicKeyFile}: ${stdout}`);
  }
  return token;
}

/** Hashes the host names of a known_hosts file in place (`|1|salt|hash` lines), as `HashKnownHosts yes` does. */
export async function hashKnownHosts(file: string): Promise<void> {
  await run(SSH_KEYGEN_BIN, ['-H', '-f', file]);
  await rm(`${file}.old`, { force: true });
}
