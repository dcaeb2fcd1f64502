/**
 * checkWar on WARs with real classes compiled by javac (no Tomcat): the clean WAR finds nothing,
 * each WAR of packages/testkit/src/check-wars.ts finds its one finding, where it is.
 */
import { watch } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckFinding, WarCheckReport } from '../../src/common/check-report.js';
import { checkWar } from '../../src/check/lazy-check-war.js';
import { NESTED_JAR_MEMORY_LIMIT } from '../../src/check/zip-entries.js';
import { BIG_JAR_PADDING, buildCheckWar, FINDING_WARS, type FindingWar } from '@tomcat-pd/testkit/check-wars';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-check-wars-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function check(which: FindingWar | 'clean'): Promise<WarCheckReport> {
  const war = await buildCheckWar(dir, `shop##${which}.war`, which === 'clean' ? {} : FINDING_WARS[which]);
  return checkWar({ warFile: war });
}

/** The report's findings, each id with its severity. */
const found = (report: WarCheckReport) =>
  report.findings.map((finding) => `${finding.id}:${finding.severity}`);

function only(report: WarCheckReport, id: CheckFinding['id']): CheckFinding {
  expect(report.findings.map((finding) => finding.id)).toEqual([id]);
  return report.findings[0]!;
}

describe('checkWar on a clean WAR', () => {
  it('finds nothing, reads everything, and gives the two pieces of advice', async () => {
    const report = await check('clean');
    expect(report.findings).toEqual([]);
    expect(report.unreadable).toEqual([]);
    expect(report.counts).toEqual({ error: 0, warning: 0 });
    expect(report.contextPath).toBe('/shop');
    expect(report.advice.map((item) => [item.id, item.severity])).toEqual([
      ['in-process-cache', 'advice'],
      ['shared-disk-files', 'advice'],
    ]);
    // MANIFEST, context.xml, web.xml, log4j2.xml, index.jsp, 2 classes, the jar and its 3 entries.
    expect(report.entries).toBe(11);
  });
});

describe('checkWar on one WAR per finding', () => {
  it('session-tracking: SSL only, an error at the tracking-mode of web.xml', async () => {
    const finding = only(await check('session-tracking'), 'session-tracking');
    expect(finding).toMatchObject({ severity: 'error', locations: [{ file: 'WEB-INF/web.xml', line: 25 }] });
  });

  it('session-cookies-disabled: cookies="false" and web.xml tracks by COOKIE only, an error at both', async () => {
    const finding = only(await check('session-cookies-disabled'), 'session-cookies-disabled');
    expect(finding).toMatchObject({
      severity: 'error',
      locations: [
        { file: 'META-INF/context.xml', line: 1 },
        { file: 'WEB-INF/web.xml', line: 28 },
      ],
    });
  });

  it('cookies="false" with a servlet that calls encodeURL and URL tracking on: nothing', async () => {
    expect((await check('cookies-off-urls-encoded')).findings).toEqual([]);
  });

  it('session-cookie-path: an error for a path outside the context, a warning for a wider one', async () => {
    const outside = only(await check('session-cookie-path'), 'session-cookie-path');
    expect(outside).toMatchObject({ severity: 'error', locations: [{ file: 'WEB-INF/web.xml', line: 26 }] });
    expect(outside.message).toContain('/other');
    expect(outside.message).toContain('/shop');
    expect(found(await check('session-cookie-path-wider'))).toEqual(['session-cookie-path:warning']);
  });

  it.each([
    ['context-path', 'path="/store"'],
    ['context-anti-resource-locking', 'antiResourceLocking="true"'],
    ['context-work-dir', 'workDir="${catalina.base}/work/shop"'],
    ['context-doc-base', 'docBase="/srv/shop"'],
  ] as const)('%s: a warning at the Context of META-INF/context.xml', async (id, attribute) => {
    const finding = only(await check(id), id);
    expect(finding).toMatchObject({
      severity: 'warning',
      locations: [{ file: 'META-INF/context.xml', line: 1 }],
    });
    expect(finding.message).toContain(attribute);
  });

  it('server-socket: one error per jar or WEB-INF/classes, naming the classes; the jar too big for memory is read from a temp file', async () => {
    const war = await buildCheckWar(dir, 'shop##server-socket.war', FINDING_WARS['server-socket']);
    expect(BIG_JAR_PADDING).toBeGreaterThan(NESTED_JAR_MEMORY_LIMIT);
    // os.tmpdir() reads TMPDIR: watch a temp dir of our own for the copy of the big jar.
    const temp = await mkdtemp(join(dir, 'tmp-'));
    const created: string[] = [];
    const watcher = watch(temp, (_event, name) => {
      if (name !== null) created.push(name);
    });
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    let report: WarCheckReport;
    try {
      report = await checkWar({ warFile: war });
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      watcher.close();
    }
    expect(created.some((name) => name.startsWith('tomcat-pd-check-'))).toBe(true);
    expect(await readdir(temp)).toEqual([]);
    expect(report.findings.map((finding) => [finding.id, finding.severity, finding.locations])).toEqual([
      [
        'server-socket',
        'error',
        [
          {
            file: 'WEB-INF/classes/com/acme/shop/AdminConsole.class',
            className: 'com.acme.shop.AdminConsole',
          },
        ],
      ],
      [
        'server-socket',
        'error',
        [
          {
            file: 'com/acme/chat/ChatServer.class',
            jar: 'WEB-INF/lib/chat-server-1.0.jar',
            className: 'com.acme.chat.ChatServer',
          },
        ],
      ],
    ]);
    expect(report.findings[0]!.message).toContain('java.nio.channels.ServerSocketChannel');
    expect(report.findings[1]!.message).toContain('java.net.ServerSocket');
    expect((await stat(war)).size).toBeGreaterThan(NESTED_JAR_MEMORY_LIMIT);
  });

  it('shared-log-file: one warning per configuration, in WEB-INF/classes and at the root of a jar', async () => {
    const report = await check('shared-log-file');
    expect(report.findings.map((finding) => [finding.id, finding.severity, finding.locations])).toEqual([
      ['shared-log-file', 'warning', [{ file: 'WEB-INF/classes/log4j2.xml', line: 10 }]],
      [
        'shared-log-file',
        'warning',
        [{ file: 'logback.xml', jar: 'WEB-INF/lib/logging-defaults.jar', line: 3 }],
      ],
    ]);
    expect(report.findings[0]!.message).toContain('${logDir}/shop.log');
    expect(report.findings[0]!.fix).toContain('${web:attr.org.apache.catalina.webappVersion}');
    expect(report.findings[1]!.message).toContain('${catalina.base}/logs/app.log');
  });

  it('jdbc-driver: a warning naming the jar and the driver of its services file', async () => {
    const finding = only(await check('jdbc-driver'), 'jdbc-driver');
    expect(finding).toMatchObject({
      severity: 'warning',
      locations: [
        { file: 'META-INF/services/java.sql.Driver', jar: 'WEB-INF/lib/acme-jdbc-1.0.jar', line: 1 },
      ],
    });
    expect(finding.message).toContain('com.acme.jdbc.AcmeDriver');
  });

  it('leak-prone-library: Quartz found by its package in a jar whose name does not say so', async () => {
    const finding = only(await check('leak-prone-library'), 'leak-prone-library');
    expect(finding).toMatchObject({
      severity: 'warning',
      message: 'WEB-INF/lib/scheduler-all.jar holds Quartz Scheduler.',
      locations: [{ file: 'org/quartz/core/QuartzScheduler.class', jar: 'WEB-INF/lib/scheduler-all.jar' }],
    });
  });

  it('compares cookie paths against the context path it is given', async () => {
    const war = await buildCheckWar(dir, 'shop##path.war', FINDING_WARS['session-cookie-path']);
    expect(found(await checkWar({ warFile: war, contextPath: '/other' }))).toEqual([]);
  });
});
