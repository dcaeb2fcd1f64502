/**
 * Libraries in WEB-INF/lib known to outlive their web app or to clash with a second copy of
 * themselves in the same JVM (docs/war-check.md#jdbc-driver, #leak-prone-library). A library is
 * recognised by a package inside the jar, not by the jar's file name, which is often renamed or
 * shaded. Pure.
 */
import type { CheckFinding, FindingLocation } from '../../common/check-report.js';

/** The ServiceLoader file through which DriverManager finds a JDBC driver (JDBC 4). */
export const JDBC_DRIVER_SERVICE = 'META-INF/services/java.sql.Driver';

/** A jar of WEB-INF/lib with a JDBC driver service file. */
export interface JdbcDriverJar {
  jar: string;
  /** The driver classes the service file names. */
  drivers: string[];
  /** The line of the first one. */
  line?: number;
}

/** The class names of a ServiceLoader file (one per line, `#` starts a comment), with their lines. */
export function serviceClasses(text: string): { name: string; line: number }[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((raw, index) => ({ name: (raw.split('#', 1)[0] ?? '').trim(), line: index + 1 }))
    .filter((entry) => entry.name !== '');
}

export function jdbcDriverFindings(jars: readonly JdbcDriverJar[]): CheckFinding[] {
  return jars.map(({ jar, drivers, line }) => ({
    id: 'jdbc-driver',
    severity: 'warning',
    message:
      `${jar} holds a JDBC driver` +
      (drivers.length === 0 ? '' : ` (${drivers.join(', ')})`) +
      ', which registers itself with DriverManager.',
    locations: [{ file: JDBC_DRIVER_SERVICE, jar, ...(line === undefined ? {} : { line }) }],
    why: "DriverManager is one per JVM and holds the drivers registered through it, and with them the class loader of the version that loaded them: an undeployed old version stays in memory (Tomcat's JdbcLeakPrevention deregisters them and logs that the app failed to, which not every driver survives), and drivers that start threads (cleanup, timers) keep them running.",
    fix: 'Put the driver jar in $CATALINA_BASE/lib once for all versions (scope provided in the build) and use a container DataSource (<Resource> in the context), or deregister the drivers in a ServletContextListener.contextDestroyed.',
  }));
}

/** One entry of the short list of docs/war-check.md#leak-prone-library. */
export interface LeakProneLibrary {
  name: string;
  /** Packages, as entry-name prefixes, that only this library has. */
  packages: readonly string[];
  /** Why it matters for two versions side by side. */
  why: string;
  fix: string;
}

export const LEAK_PRONE_LIBRARIES: readonly LeakProneLibrary[] = [
  {
    name: 'Quartz Scheduler',
    packages: ['org/quartz/core/'],
    why:
      'Each version starts its own scheduler, so every job runs twice while both are deployed (once in the old ' +
      'version); a scheduler not shut down keeps its threads and the old class loader after the undeploy.',
    fix:
      'Shut the scheduler down in contextDestroyed (scheduler.shutdown(true)) and make jobs safe to run twice, or ' +
      'use a clustered JDBC job store so that one instance runs each job.',
  },
  {
    name: 'Ehcache 2',
    packages: ['net/sf/ehcache/'],
    why:
      "Each version's CacheManager writes its disk store to the same path (java.io.tmpdir unless set) and " +
      "registers the same JMX names in the JVM's one MBean server; one not shut down keeps its threads and the " +
      'old class loader after the undeploy.',
    fix:
      'Give each version its own CacheManager name and diskStore path (with the version in it) and call ' +
      'CacheManager.shutdown() in contextDestroyed; or move to a cache outside the JVM.',
  },
  {
    name: 'c3p0',
    packages: ['com/mchange/v2/c3p0/'],
    why:
      "The pool's helper threads and its timer run until the pool is closed, holding the old version's class " +
      'loader and its connections after the undeploy.',
    fix: 'Close the pool in contextDestroyed (DataSources.destroy), or use a container DataSource (<Resource>) shared by all versions.',
  },
  {
    name: 'an embedded database (H2, HSQLDB or Derby)',
    packages: ['org/h2/engine/', 'org/hsqldb/', 'org/apache/derby/'],
    why:
      'Each version loads its own copy of the engine, and both open the same database files: the version that ' +
      'opened them first holds the lock and the second fails to open them (Derby may warn and open them twice, ' +
      'which corrupts them); an engine not shut down keeps its threads and the old class loader.',
    fix:
      'Run the database as a server outside Tomcat, or give each version its own database files and shut the ' +
      'database down in contextDestroyed.',
  },
];

/** The library of the list a jar entry belongs to, if any. */
export function leakProneLibraryOf(file: string): LeakProneLibrary | undefined {
  return LEAK_PRONE_LIBRARIES.find((library) => library.packages.some((prefix) => file.startsWith(prefix)));
}

/** Per jar, the libraries of the list found in it and, for each, the first entry that showed it. */
export type LeakProneHits = ReadonlyMap<string, ReadonlyMap<LeakProneLibrary, string>>;

/** One finding per jar, naming the libraries found in it. */
export function leakProneFindings(hits: LeakProneHits): CheckFinding[] {
  return [...hits].map(([jar, libraries]) => {
    const found = [...libraries];
    const locations: FindingLocation[] = found.map(([, file]) => ({ file, jar }));
    const names = found.map(([library]) => library.name);
    return {
      id: 'leak-prone-library',
      severity: 'warning',
      message: `${jar} holds ${names.join(' and ')}.`,
      locations,
      why: found.map(([library]) => library.why).join(' '),
      fix: found.map(([library]) => library.fix).join(' '),
    };
  });
}
