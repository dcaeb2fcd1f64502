/**
 * Logging configurations that make both versions write one file (docs/war-check.md#shared-log-file).
 * Pure.
 */
import type { CheckFinding, FindingLocation } from '../../common/check-report.js';
import type { LoggingConfig, LogFileTarget } from './logging-config.js';
import { classifyFileName, PER_VERSION_LOOKUP } from './log-file-name.js';

/** Where a configuration was found: an entry of the WAR, or of a jar in it. */
export interface ConfigPlace {
  file: string;
  jar?: string | undefined;
}

/** The targets of `config` that both versions would write. */
export function sharedTargets(config: LoggingConfig): LogFileTarget[] {
  return config.targets.filter(
    (target) => classifyFileName(target.fileName, config.dialect, config.properties).shared,
  );
}

/** One finding for the configuration, listing its shared file names; none when every name is per version. */
export function sharedLogFileFindings(place: ConfigPlace, config: LoggingConfig): CheckFinding[] {
  const shared = sharedTargets(config);
  if (shared.length === 0) return [];
  const where = place.jar === undefined ? place.file : `${place.file} in ${place.jar}`;
  const names = [...new Set(shared.map((target) => target.fileName))];
  // fileName and filePattern of one appender share its line: one location each.
  const lines = [...new Set(shared.map((target) => target.line))];
  const locations: FindingLocation[] = lines.map((line) => ({
    file: place.file,
    ...(place.jar === undefined ? {} : { jar: place.jar }),
    ...(line === undefined ? {} : { line }),
  }));
  const lookup = PER_VERSION_LOOKUP[config.dialect];
  return [
    {
      id: 'shared-log-file',
      severity: 'warning',
      message: `${where} writes to ${names.length === 1 ? 'a file' : 'files'} both versions share: ${names.join(', ')}.`,
      locations,
      why:
        'Both versions run in one JVM with the same context path, so a name made only of fixed text, JVM-wide ' +
        'lookups and the context path is the same file for both: their lines interleave, nobody can tell which ' +
        "version logged what, and each version's rollover renames the file under the other.",
      fix: fixFor(config.dialect, lookup),
    },
  ];
}

function fixFor(dialect: LoggingConfig['dialect'], lookup: string): string {
  switch (dialect) {
    case 'log4j2':
      return `Put the version in the file name: ${lookup} (Tomcat sets the ServletContext attribute org.apache.catalina.webappVersion; the lookup needs log4j-web), e.g. logs/app-${lookup}.log; or log to the console.`;
    case 'juli':
      return `Put the version in the file name: ${lookup} is the context's name with its version (shop##002), e.g. prefix = app-${lookup}.; or log to the console.`;
    case 'logback':
      return `Logback has no lookup of the version: set a property from the ServletContext attribute org.apache.catalina.webappVersion before it configures (a PropertyDefiner or a ServletContextListener) and write it in the file name, e.g. logs/app-${lookup}.log; or log to the console.`;
  }
}
