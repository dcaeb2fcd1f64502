import type { VersionRole } from '@tomcat-pd/core';
import type { Output } from '../output.js';

/** A version's role, coloured on a TTY: live green, draining yellow, drained dim, stopped red, smoke magenta. */
export function paintRole(role: VersionRole, colors: Output['colors']): string {
  switch (role) {
    case 'live':
      return colors.green(role);
    case 'draining':
      return colors.yellow(role);
    case 'drained':
      return colors.dim(role);
    case 'stopped':
      return colors.red(role);
    case 'smoke':
      return colors.magenta(role);
  }
}

/** `(unversioned)` for a context without a version, so a table never shows an empty cell. */
export function showVersion(version: string): string {
  return version === '' ? '(unversioned)' : version;
}
