import { basename } from 'node:path';

/**
 * The context path Tomcat gives a WAR dropped into appBase under this file name, as
 * `new ContextName(fileName, true)` reads it (docs/tomcat-manager.md#context-names): `.war` is
 * stripped, the version is what follows the first `##`, `ROOT` (or nothing) is `/`, and each
 * other `#` is a `/`. `shop##003.war` → `/shop`, `ROOT##2.war` → `/`, `a#b.war` → `/a/b`.
 */
export function contextPathOfWar(warFile: string): string {
  const name = basename(warFile).replace(/\.war$/i, '');
  // CN.VERSION_MARKER: the first `##` ends the path part (versions/context-name.ts reads the rest).
  const marker = name.indexOf('##');
  const base = marker === -1 ? name : name.slice(0, marker);
  return base === '' || base === 'ROOT' ? '/' : `/${base.replaceAll('#', '/')}`;
}
