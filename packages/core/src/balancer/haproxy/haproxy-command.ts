import type { AdminState } from '../member-state.js';

/**
 * The runtime API's commands, built from names (pure). The API splits a line into commands at `;`
 * and treats `\` as an escape, so both are escaped in every argument; a name HAProxy cannot have
 * (whitespace, control characters: its configuration refuses them) is refused by the caller
 * before anything is sent (`invalidName`), since a newline would start a second command.
 */
export function escapeArgument(value: string): string {
  return value.replace(/[\\;]/g, (char) => `\\${char}`);
}

/** Why `name` cannot be a backend's or server's name on HAProxy, or undefined when it can. */
export function invalidName(name: string): string | undefined {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here.
  if (/[\s\u0000-\u001f\u007f]/.test(name)) return 'it holds whitespace or a control character';
  return undefined;
}

/** `show servers state <backend>`: the admin and operational states, format version 1. */
export function showServersState(backend: string): string {
  return `show servers state ${escapeArgument(backend)}`;
}

/** `show stat <backend> 4 -1`: the CSV statistics of the backend's servers only (type 4 = servers). */
export function showStat(backend: string): string {
  return `show stat ${escapeArgument(backend)} 4 -1`;
}

/** `show info`: the process's pid and start time (its generation). */
export const SHOW_INFO = 'show info';

/** `show backend`: the backends' names, to list them when one is missing. */
export const SHOW_BACKEND = 'show backend';

/** `set server <backend>/<server> state ready|drain|maint`. */
export function setServerState(backend: string, server: string, state: AdminState): string {
  return `set server ${escapeArgument(backend)}/${escapeArgument(server)} state ${state}`;
}
