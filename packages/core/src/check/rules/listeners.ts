/**
 * Classes that listen on a port of their own (docs/war-check.md#server-socket): the second
 * version starts while the first still holds the port. Pure.
 */
import type { CheckFinding, FindingLocation } from '../../common/check-report.js';
import type { ClassConstants } from '../class-constants.js';

/** The JDK classes that bind a listening socket, in the constant pool's internal form. */
export const SERVER_SOCKET_CLASSES: readonly string[] = [
  'java/net/ServerSocket',
  'java/nio/channels/ServerSocketChannel',
  'java/nio/channels/AsynchronousServerSocketChannel',
];

/** A class that names one of {@link SERVER_SOCKET_CLASSES}. */
export interface ServerSocketUse {
  file: string;
  jar?: string;
  className: string;
  /** Which of them, dotted (`java.net.ServerSocket`). */
  uses: string[];
}

/** The server-socket classes `constants` names, dotted; empty when none. */
export function serverSocketUses(constants: ClassConstants): string[] {
  return SERVER_SOCKET_CLASSES.filter((name) => constants.classNames.includes(name)).map((name) =>
    name.replaceAll('/', '.'),
  );
}

/** One finding per jar (and one for WEB-INF/classes), listing its classes, in the order given. */
export function serverSocketFindings(uses: readonly ServerSocketUse[]): CheckFinding[] {
  const groups = new Map<string, ServerSocketUse[]>();
  for (const use of uses) {
    const key = use.jar ?? 'WEB-INF/classes';
    groups.set(key, [...(groups.get(key) ?? []), use]);
  }
  return [...groups].map(([where, group]) => {
    const locations: FindingLocation[] = group.map((use) => ({
      file: use.file,
      ...(use.jar === undefined ? {} : { jar: use.jar }),
      className: use.className,
    }));
    const used = [...new Set(group.flatMap((use) => use.uses))].join(', ');
    const count =
      group.length === 1 ? `the class ${group[0]!.className} opens` : `${group.length} classes open`;
    return {
      id: 'server-socket',
      severity: 'error',
      message: `${where}: ${count} a listening socket (${used}).`,
      locations,
      why:
        'Both versions run in one JVM, and the new one starts while the old one still runs: a port bound by the old ' +
        'version is taken, so the new one fails to bind it (BindException) and fails to start or runs without that ' +
        'server; undeploying the old one frees the port only if it closes the socket.',
      fix:
        'Do not listen inside the web app: move the server to its own process, or make the port per version ' +
        '(a setting, or port 0) and close the socket in a ServletContextListener.contextDestroyed.',
    };
  });
}
