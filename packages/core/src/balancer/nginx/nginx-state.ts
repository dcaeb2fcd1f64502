import { randomBytes } from 'node:crypto';
import { BalancerError } from '../../errors/error-classes.js';
import type { SpecOf } from '../balancer-options.js';
import type { AdminState } from '../member-state.js';
import type { NginxFileState } from './nginx-file.js';
import { readManagedFile } from './managed-file.js';
import { parseNginxFile } from './parse-nginx-file.js';

/** The managed file as found: its text (to put back) and its state, or nothing there. */
export interface FoundFile {
  readonly text: string | undefined;
  readonly state: NginxFileState | undefined;
}

/**
 * Reads the managed file. A missing file is `{ text: undefined }`, for the caller to decide; a
 * file that is not tomcat-pd's, or is another balancer's, is never read as a state nor
 * overwritten. @throws BalancerError naming the file.
 */
export async function findManagedFile(spec: SpecOf<'nginx'>): Promise<FoundFile> {
  const text = await readManagedFile(spec.file).catch((error: unknown) => {
    throw fileError(spec, 'read', error);
  });
  if (text === undefined) return { text, state: undefined };
  const parsed = parseNginxFile(text);
  const notOurs = (reason: string) =>
    new BalancerError(
      `Balancer ${spec.name}: ${spec.file} is not the file tomcat-pd writes for it: ${reason}; tomcat-pd neither reads nor overwrites it.`,
      { balancer: spec.name, answer: reason },
      { hint: 'Point "file" at a file of its own, included by nginx, that only tomcat-pd writes.' },
    );
  if (parsed.kind === 'foreign') throw notOurs(parsed.reason);
  if (parsed.state.balancer !== spec.name) throw notOurs(`it is balancer ${parsed.state.balancer}'s`);
  return { text, state: parsed.state };
}

/** A new generation: different for every file written (time first, for a reader's eye). */
export function newGeneration(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * The state to write: every member of `servers`, in its order, at its address now, with the
 * admin state the file gave it (`ready` for a member new to the file), and `change` applied.
 * A member the file has and `servers` no longer has is left out.
 */
export function nextState(
  spec: SpecOf<'nginx'>,
  current: NginxFileState | undefined,
  change?: { readonly member: string; readonly admin: AdminState },
): NginxFileState {
  const admins = new Map(current?.members.map((member) => [member.name, member.admin]));
  return {
    balancer: spec.name,
    generation: newGeneration(),
    members: Object.entries(spec.servers).map(([name, server]) => ({
      name,
      server,
      admin: name === change?.member ? change.admin : (admins.get(name) ?? 'ready'),
    })),
  };
}

/** A file system failure on the managed file (`EACCES`, a missing directory), as a driver's error. */
export function fileError(spec: SpecOf<'nginx'>, doing: 'read' | 'write', error: unknown): BalancerError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  return new BalancerError(
    `Balancer ${spec.name}: tomcat-pd could not ${doing} ${spec.file}: ${code}.`,
    { balancer: spec.name, answer: code },
    { cause: error },
  );
}
