import { fixture } from '@tomcat-pd/testkit/recorded';
import type { ContextEntry } from '../../src/manager/parse/types.js';

/**
 * An answer of Tomcat 9.0.70 (Debian's libtomcat9-java, assembled as the integration harness does),
 * recorded byte-exact: fixtures/README.md, "Recorded on Tomcat 9.0.70".
 */
export const tomcat9 = (name: string): string => fixture(`tomcat9/${name}`);

/**
 * `list-mixed.txt` parsed, in Tomcat's (arbitrary) order: the state both Tomcat lines were
 * recorded in (fixtures/README.md). Only the manager's own docBase differs between them.
 */
export function mixedList(managerDocBase: string): ContextEntry[] {
  return [
    { path: '/a/b', version: '007', state: 'running', sessions: 0, name: 'a#b##007' },
    { path: '/short', version: '001', state: 'running', sessions: 3, name: 'short##001' },
    { path: '/app', version: '001', state: 'running', sessions: 1, name: 'app##001' },
    { path: '/app', version: '002', state: 'running', sessions: 2, name: 'app##002' },
    { path: '/app', version: '003', state: 'running', sessions: 0, name: 'app##003' },
    { path: '/app', version: '004', state: 'stopped', sessions: 0, name: 'app##004.war' },
    { path: '/plain', version: '', state: 'running', sessions: 0, name: 'plain' },
    { path: '/', version: '001', state: 'running', sessions: 0, name: 'ROOT##001' },
    { path: '/manager', version: '', state: 'running', sessions: 0, name: managerDocBase },
  ];
}
