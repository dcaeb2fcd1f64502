/**
 * `tomcat-pd check WAR` as a user runs it (a new process, every default) on a tiny WAR (the
 * floor), a ~20 MB and a ~200 MB one, interleaved: wall time and the process's peak RSS. Each
 * WAR has 100 class files per MB in WEB-INF/classes, half as many in one nested jar with a
 * stored random resource (40% of the WAR), and stored random static files for the rest. No Tomcat.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeZipFile, type ZipSource } from '@tomcat-pd/testkit/check-wars';
import { compileJava, SERVLET_API_JAR } from '@tomcat-pd/testkit/java-compile';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { megabytes, round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { cliEnv } from './lib/tomcats.js';

const MB = 1024 * 1024;

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
  { label: 'tiny WAR (the floor)', classes: 3, jarClasses: 3, jarPaddingMb: 0, assets: 0 },
  shape('~20 MB WAR', 20),
  shape('~200 MB WAR', 200),
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

async function buildWar(dir: string, war: WarShape, classFile: Buffer, index: number): Promise<string> {
  const jar = await writeZipFile(join(dir, `lib-${index}.jar`), jarEntries(war, classFile));
  return writeZipFile(join(dir, `bench-${index}.war`), warEntries(war, classFile, jar));
}

interface CheckSample {
  wallMs: number;
  peakRssKb: number;
}

export const benchCheck: Benchmark = (settings, log) =>
  withTempDir('check', async (dir) => {
    const [classFile] = await compileJava({
      sources: { 'bench/Page.java': SERVLET },
      classpath: [SERVLET_API_JAR['10.1']],
    });
    const wars: { war: WarShape; file: string; sizeMb: number }[] = [];
    for (const [index, war] of SHAPES.entries()) {
      log(`  building the ${war.label} ...`);
      const file = await buildWar(dir, war, classFile!.data, index);
      wars.push({ war, file, sizeMb: round((await stat(file)).size / MB, 1) });
    }
    const variants = wars.map(({ war, file }) => ({
      name: war.label,
      measure: async (): Promise<CheckSample> => {
        const run = assertSucceeded(
          await runCli(['check', file], { env: cliEnv(), cwd: dir }),
          `check ${file}`,
        );
        return { wallMs: run.wallMs, peakRssKb: run.peakRssKb! };
      },
    }));
    const samples = await runInterleaved(variants, { runs: settings.runs, log });
    const row = ({ war, sizeMb }: (typeof wars)[number]) => {
      const series = samples.runs[war.label]!;
      const peaks = summarize(series.map((sample) => sample.peakRssKb));
      return {
        'size MB': sizeMb,
        ...spread(
          series.map((sample) => sample.wallMs),
          'ms',
        ),
        'peak RSS MB (median)': megabytes(peaks.median),
        'peak RSS MB (max)': megabytes(peaks.max),
      };
    };
    return {
      table: Object.fromEntries(wars.map((each) => [each.war.label, row(each)])),
      samples: { shapes: SHAPES, ...samples },
    };
  });
