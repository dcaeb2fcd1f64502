import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixtures made by ssh-keygen (packages/core/test/fixtures/ssh/README.md). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/ssh/${name}`, import.meta.url));
}

export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** The names of the fixture keys, `<name>.pub` each. */
export const KEY_NAMES = [
  'web-ed25519',
  'web-ecdsa',
  'web-rsa',
  'other-ed25519',
  'revoked-ed25519',
  'ca-ed25519',
] as const;
export type KeyName = (typeof KEY_NAMES)[number];

/** A fixture key as ssh2 hands it to `hostVerifier`: the wire blob, the base64 of the `.pub`. */
export function keyBlob(name: KeyName): Buffer {
  return Buffer.from(fixtureText(`${name}.pub`).split(' ')[1]!, 'base64');
}
