/**
 * The WAR checklist's memory (docs/war-check.md): peak RSS of a process that runs `checkWar` on
 * WARs of ~20 MB and ~200 MB (many classes, big stored files, a big nested jar), against a tiny
 * WAR for the floor. The target: flat in the WAR's size, as the check streams every entry and
 * holds at most one nested jar of at most 16 MB. No Tomcat involved.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { NESTED_JAR_MEMORY_LIMIT } from '../packages/core/src/check/zip-entries.js';
import { writeZipFile, type ZipSource } from '@tomcat-pd/testkit/check-wars';
import { compileJava, SERVLET_API_JAR } from '@tomcat-pd/testkit/java-compile';
import { assertSucceeded, runNode } from './lib/cli-process.js';
import { SUMMARY_HEADERS, markdownTable, megabytes, ms, summaryCells, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';

export interface CheckBenchOptions {
  runs: number;
  log: (line: string) => void;
}

const MB = 1024 * 1024;
const REPO = fileURLToPath(new URL('..', import.meta.url));
const CHECK_WAR_SOURCE = fileURLToPath(
  new URL('../packages/core/src/check/lazy-check-war.ts', import.meta.url),
);

/**
 * The child: the library's source through tsx (as the tests use it), so that the figure holds
 * for the code in the tree, whether or not the package has been built. It prints what it read.
 */
const CHILD = `
const { checkWar } = await import(${JSON.stringify(new URL(`file://${CHECK_WAR_SOURCE}`).href)});
const started = performance.now();
const report = await checkWar({ warFile: process.env.CHECK_WAR });
console.log(JSON.stringify({ entries: report.entries, findings: report.findings.length, unreadable: report.unreadable.length, checkMs: performance.now() - started }));
`;

/**
 * How much more the ~200 MB WAR's peak may be than the ~20 MB one's: twice the nested jar the
 * check may hold in memory. Not zero, because the garbage collector frees the buffers of a
 * stream (the copy of a big nested jar to its temp file) when it sees fit: measured, that moves
 * a peak by up to ~20 MB from one run to the next, whatever the size of what is streamed.
 */
const TARGET_GROWTH_KB = (2 * NESTED_JAR_MEMORY_LIMIT) / 1024;

interface WarShape {
  label: string;
  /** Class files in WEB-INF/classes. */
  classes: number;
  /** Class files in the nested jar, and its stored random resource. */
  jarClasses: number;
  jarPaddingMb: number;
  /** Stored random files (images, videos, fonts) in the WAR, 4 MB each. */
  assets: number;
}

/** ~20 MB and ~200 MB: 100 classes per MB, 40% in one nested jar, the rest static files. */
function shape(label: string, megabytesOfWar: number): WarShape {
  return {
    label,
    classes: megabytesOfWar * 100,
    jarClasses: megabytesOfWar * 50,
    jarPaddingMb: Math.round(megabytesOfWar * 0.4),
    assets: Math.max(1, Math.round((megabytesOfWar * 0.5) / 4)),
  };
}

const SHAPES: readonly WarShape[] = [
  { label: 'tiny (the floor)', classes: 3, jarClasses: 3, jarPaddingMb: 0, assets: 0 },
  shape('~20 MB', 20),
  shape('~200 MB', 200),
];

const SERVLET = `package bench;
import java.io.IOException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
public class Page extends HttpServlet {
  private static final long SERIAL = 42L;
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    request.getSession().setAttribute("seen", SERIAL);
    response.setContentType("text/plain");
    response.getWriter().println("page " + request.getRequestURI() + " " + java.time.Instant.now());
  }
}
`;

const WEB_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">\n' +
  '  <session-config><session-timeout>30</session-timeout></session-config>\n</web-app>\n';

const LOG4J2_XML =
  '<Configuration><Appenders><RollingFile name="f" fileName="logs/app-${web:attr.org.apache.catalina.webappVersion}.log"' +
  ' filePattern="logs/app-${web:attr.org.apache.catalina.webappVersion}-%i.log"/></Appenders></Configuration>\n';

/** Random bytes made 1 MB at a time, as the zip writer asks for them (nothing held). */
function randomStream(megabytesOfData: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < megabytesOfData; i++) yield randomBytes(MB);
    })(),
  );
}

async function buildWar(dir: string, war: WarShape, classFile: Buffer, index: number): Promise<string> {
  const jar = await writeZipFile(join(dir, `lib-${index}.jar`), jarEntries(war, classFile));
  return writeZipFile(join(dir, `bench-${index}.war`), warEntries(war, classFile, jar));
}

function* jarEntries(war: WarShape, classFile: Buffer): Generator<ZipSource> {
  for (let i = 0; i < war.jarClasses; i++)
    yield { name: `com/vendor/lib/p${i % 50}/Page${i}.class`, data: classFile };
  if (war.jarPaddingMb > 0)
    yield { name: 'com/vendor/lib/data.bin', stream: () => randomStream(war.jarPaddingMb), store: true };
}

function* warEntries(war: WarShape, classFile: Buffer, jar: string): Generator<ZipSource> {
  yield { name: 'WEB-INF/web.xml', data: Buffer.from(WEB_XML) };
  yield { name: 'WEB-INF/classes/log4j2.xml', data: Buffer.from(LOG4J2_XML) };
  for (let i = 0; i < war.classes; i++)
    yield { name: `WEB-INF/classes/com/acme/p${i % 100}/Page${i}.class`, data: classFile };
  for (let i = 0; i < war.assets; i++)
    yield { name: `static/media-${i}.bin`, stream: () => randomStream(4), store: true };
  yield { name: 'WEB-INF/lib/vendor-lib.jar', file: jar, store: true };
}

interface CheckRun {
  peakRssKb: number;
  wallMs: number;
  entries: number;
}

async function runCheck(warFile: string): Promise<CheckRun> {
  const run = assertSucceeded(
    await runNode(['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      cwd: REPO,
      env: { ...process.env, CHECK_WAR: warFile },
    }),
    `checkWar ${warFile}`,
  );
  if (run.peakRssKb === undefined)
    throw new Error('the checkWar child exited without reporting its peak RSS');
  const printed = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { entries?: number };
  return { peakRssKb: run.peakRssKb, wallMs: run.wallMs, entries: printed.entries ?? 0 };
}

export async function benchCheck(options: CheckBenchOptions): Promise<Section> {
  return withTempDir('check', async (dir) => {
    const [classFile] = await compileJava({
      sources: { 'bench/Page.java': SERVLET },
      classpath: [SERVLET_API_JAR['10.1']],
    });
    const rows: { war: WarShape; sizeBytes: number; jarBytes: number; runs: CheckRun[] }[] = [];
    for (const [index, war] of SHAPES.entries()) {
      options.log(`building the ${war.label} WAR ...`);
      const path = await buildWar(dir, war, classFile!.data, index);
      const [sizeBytes, jarBytes] = [
        (await stat(path)).size,
        (await stat(join(dir, `lib-${index}.jar`))).size,
      ];
      const runs: CheckRun[] = [];
      for (let run = 0; run < options.runs; run++) {
        runs.push(await runCheck(path));
        options.log(
          `  ${war.label} run ${run + 1}/${options.runs}: peak ${megabytes(runs.at(-1)!.peakRssKb)}`,
        );
      }
      rows.push({ war, sizeBytes, jarBytes, runs });
    }
    const peak = (row: (typeof rows)[number]) => summarize(row.runs.map((run) => run.peakRssKb));
    const [, small, big] = rows.map(peak);
    const growthKb = big!.max - small!.max;
    return {
      name: 'check',
      title: '9. Memory of checking a WAR',
      body: [
        'Peak resident set size (VmHWM, as in section 2) of a Node process that runs `checkWar` (the library source ' +
          `through tsx) on one WAR, ${options.runs} runs each. Each WAR has 100 class files per MB in WEB-INF/classes ` +
          'and half as many in one nested jar with a stored random resource (40% of the WAR), and stored random ' +
          `static files for the rest. A nested jar up to ${megabytes(NESTED_JAR_MEMORY_LIMIT / 1024)} is read into ` +
          'memory, a larger one is copied to a temp file.',
        '',
        markdownTable(
          ['WAR', 'size', 'entries read', 'nested jar', ...SUMMARY_HEADERS, 'wall time (median)'],
          rows.map((row) => [
            row.war.label,
            megabytes(row.sizeBytes / 1024),
            row.runs[0]!.entries,
            `${megabytes(row.jarBytes / 1024)} (${row.jarBytes > NESTED_JAR_MEMORY_LIMIT ? 'temp file' : 'memory'})`,
            ...summaryCells(peak(row), megabytes),
            ms(summarize(row.runs.map((run) => run.wallMs)).median),
          ]),
        ),
        '',
        `Target: flat in the WAR's size — the ~200 MB WAR's peak at most ${megabytes(TARGET_GROWTH_KB)} (twice the ` +
          'nested jar the check may hold in memory: the garbage collector frees stream buffers in its own time) above ' +
          `the ~20 MB one's, on the max of the runs: ${growthKb >= 0 ? '+' : ''}${megabytes(growthKb)}, ` +
          `**${verdict(growthKb <= TARGET_GROWTH_KB)}**.`,
      ].join('\n'),
    };
  });
}
