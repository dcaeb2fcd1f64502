import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The recorded Tomcat answers: `fixtures/README.md` says how and on which Tomcat each was made. */
export const RECORDED_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A recorded answer (`tomcat9/...` for Tomcat 9.0.70, `status/...` for the status page), byte-exact. */
export function fixture(name: string): string {
  return readFileSync(join(RECORDED_DIR, name), 'utf8');
}
