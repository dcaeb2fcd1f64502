import { describe, expect, it } from 'vitest';
import {
  jdbcDriverFindings,
  LEAK_PRONE_LIBRARIES,
  leakProneFindings,
  leakProneLibraryOf,
  serviceClasses,
  type LeakProneLibrary,
} from '../../../src/check/rules/leak-prone.js';
import { serverSocketFindings, serverSocketUses } from '../../../src/check/rules/listeners.js';

describe('server-socket', () => {
  it('names the listening-socket classes a constant pool refers to, and nothing for a Socket client', () => {
    const uses = serverSocketUses({
      className: 'a.B',
      classNames: [
        'a/B',
        'java/net/Socket',
        'java/nio/channels/AsynchronousServerSocketChannel',
        'java/net/ServerSocket',
      ],
      methodRefs: [],
    });
    expect(uses).toEqual(['java.net.ServerSocket', 'java.nio.channels.AsynchronousServerSocketChannel']);
    expect(
      serverSocketUses({
        className: 'a.C',
        classNames: ['java/net/Socket', 'javax/net/ServerSocketFactory'],
        methodRefs: [],
      }),
    ).toEqual([]);
  });

  it('makes one error per jar and one for WEB-INF/classes, each listing its classes', () => {
    const findings = serverSocketFindings([
      { file: 'WEB-INF/classes/a/A.class', className: 'a.A', uses: ['java.net.ServerSocket'] },
      { file: 'x/X.class', jar: 'WEB-INF/lib/x.jar', className: 'x.X', uses: ['java.net.ServerSocket'] },
      {
        file: 'x/Y.class',
        jar: 'WEB-INF/lib/x.jar',
        className: 'x.Y',
        uses: ['java.nio.channels.ServerSocketChannel'],
      },
    ]);
    expect(findings.map((finding) => [finding.severity, finding.locations])).toEqual([
      ['error', [{ file: 'WEB-INF/classes/a/A.class', className: 'a.A' }]],
      [
        'error',
        [
          { file: 'x/X.class', jar: 'WEB-INF/lib/x.jar', className: 'x.X' },
          { file: 'x/Y.class', jar: 'WEB-INF/lib/x.jar', className: 'x.Y' },
        ],
      ],
    ]);
    expect(findings[0]!.message).toBe(
      'WEB-INF/classes: the class a.A opens a listening socket (java.net.ServerSocket).',
    );
    expect(findings[1]!.message).toBe(
      'WEB-INF/lib/x.jar: 2 classes open a listening socket (java.net.ServerSocket, java.nio.channels.ServerSocketChannel).',
    );
    expect(serverSocketFindings([])).toEqual([]);
  });
});

describe('jdbc-driver', () => {
  it('reads a service file: one class per line, # comments, blanks', () => {
    expect(serviceClasses('# drivers\n\norg.h2.Driver  # the engine\r\n  com.acme.Driver\n')).toEqual([
      { name: 'org.h2.Driver', line: 3 },
      { name: 'com.acme.Driver', line: 4 },
    ]);
  });

  it('makes one warning per jar, naming the jar and its drivers', () => {
    const [finding, ...rest] = jdbcDriverFindings([
      { jar: 'WEB-INF/lib/h2.jar', drivers: ['org.h2.Driver'], line: 1 },
    ]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      id: 'jdbc-driver',
      severity: 'warning',
      locations: [{ file: 'META-INF/services/java.sql.Driver', jar: 'WEB-INF/lib/h2.jar', line: 1 }],
    });
    expect(finding!.message).toContain('WEB-INF/lib/h2.jar');
    expect(finding!.message).toContain('org.h2.Driver');
  });
});

describe('leak-prone-library', () => {
  it('recognises a library by a package inside the jar', () => {
    expect(leakProneLibraryOf('org/quartz/core/QuartzScheduler.class')?.name).toBe('Quartz Scheduler');
    expect(leakProneLibraryOf('net/sf/ehcache/CacheManager.class')?.name).toBe('Ehcache 2');
    expect(leakProneLibraryOf('com/mchange/v2/c3p0/ComboPooledDataSource.class')?.name).toBe('c3p0');
    expect(leakProneLibraryOf('org/h2/engine/Database.class')?.name).toContain('embedded database');
    expect(leakProneLibraryOf('org/hsqldb/jdbc/JDBCDriver.class')?.name).toContain('embedded database');
    // Near misses: another package, Ehcache 3, a client of a library.
    expect(leakProneLibraryOf('org/quartzite/Q.class')).toBeUndefined();
    expect(leakProneLibraryOf('org/ehcache/CacheManager.class')).toBeUndefined();
    expect(leakProneLibraryOf('com/acme/quartz/Job.class')).toBeUndefined();
  });

  it('gives every library of the list a reason and a fix', () => {
    for (const library of LEAK_PRONE_LIBRARIES) {
      expect(library.packages.length).toBeGreaterThan(0);
      expect(library.why.length).toBeGreaterThan(40);
      expect(library.fix.length).toBeGreaterThan(20);
    }
  });

  it('makes one warning per jar naming what it holds', () => {
    const quartz = LEAK_PRONE_LIBRARIES[0]!;
    const c3p0 = LEAK_PRONE_LIBRARIES[2]!;
    const hits = new Map<string, Map<LeakProneLibrary, string>>([
      [
        'WEB-INF/lib/all.jar',
        new Map([
          [quartz, 'org/quartz/core/A.class'],
          [c3p0, 'com/mchange/v2/c3p0/B.class'],
        ]),
      ],
    ]);
    expect(leakProneFindings(hits)).toMatchObject([
      {
        id: 'leak-prone-library',
        severity: 'warning',
        message: 'WEB-INF/lib/all.jar holds Quartz Scheduler and c3p0.',
        locations: [
          { file: 'org/quartz/core/A.class', jar: 'WEB-INF/lib/all.jar' },
          { file: 'com/mchange/v2/c3p0/B.class', jar: 'WEB-INF/lib/all.jar' },
        ],
      },
    ]);
  });
});
