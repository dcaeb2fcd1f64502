import { ADMIN_STATES, type AdminState } from '../member-state.js';
import { STATE_PREFIX, type NginxFileMember, type NginxFileState } from './nginx-file.js';

/** What a file's text is: one that tomcat-pd wrote (its state), or another's (and why not ours). */
export type ParsedNginxFile =
  | { readonly kind: 'ours'; readonly state: NginxFileState }
  | { readonly kind: 'foreign'; readonly reason: string };

/**
 * Reads back the state line that `renderNginxFile` writes. The rest of the file is not read: the
 * file is tomcat-pd's own, and the state line is what it last wrote and nginx tested.
 */
export function parseNginxFile(text: string): ParsedNginxFile {
  const line = text.split('\n').find((candidate) => candidate.startsWith(STATE_PREFIX));
  if (line === undefined) return foreign(`it has no "${STATE_PREFIX.trim()}" line`);
  let value: unknown;
  try {
    value = JSON.parse(line.slice(STATE_PREFIX.length));
  } catch {
    return foreign('its state line is not JSON');
  }
  const state = stateOf(value);
  return state === undefined ? foreign('its state line is not a tomcat-pd state') : { kind: 'ours', state };
}

function foreign(reason: string): ParsedNginxFile {
  return { kind: 'foreign', reason };
}

function stateOf(value: unknown): NginxFileState | undefined {
  if (!isRecord(value)) return undefined;
  const { balancer, generation, members } = value;
  if (typeof balancer !== 'string' || typeof generation !== 'string' || !Array.isArray(members)) {
    return undefined;
  }
  const parsed = members.map(memberOf);
  if (!parsed.every((member): member is NginxFileMember => member !== undefined)) return undefined;
  return { balancer, generation, members: parsed };
}

function memberOf(value: unknown): NginxFileMember | undefined {
  if (!isRecord(value)) return undefined;
  const { name, admin, server } = value;
  if (typeof name !== 'string' || typeof server !== 'string' || !isAdminState(admin)) return undefined;
  return { name, admin, server };
}

function isAdminState(value: unknown): value is AdminState {
  return (ADMIN_STATES as readonly unknown[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
