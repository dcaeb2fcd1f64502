import type { CheckWarOptions } from '../common/check-report.js';
import { withDefaults } from '../common/defaults.js';
import { validateContextPath } from '../versions/context-name.js';
import { contextPathOfWar } from './context-path.js';

/** What the check reads, checked: the WAR, and the path its cookie rules compare against. */
export interface WarCheckSpec {
  readonly warFile: string;
  readonly contextPath: string;
}

/**
 * The check's options with the context path it defaults to: the one Tomcat derives from the file
 * name, used as it is; a path the caller gives is checked as every path is.
 * @throws UsageError for an invalid `contextPath`.
 */
export function parseCheckWarOptions(options: CheckWarOptions): WarCheckSpec {
  const { warFile, contextPath } = withDefaults(options, { contextPath: contextPathOfWar(options.warFile) });
  return {
    warFile,
    contextPath: options.contextPath === undefined ? contextPath : validateContextPath(contextPath),
  };
}
