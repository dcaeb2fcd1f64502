import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { TomcatLine } from './tomcat-instance.js';

const run = promisify(execFile);

/** The Servlet API each line compiles against: Jakarta (10.1, tomcat10) or javax (9.0, libtomcat9-java). */
export const SERVLET_API_JAR: Readonly<Record<TomcatLine, string>> = {
  '10.1': '/usr/share/tomcat10/lib/servlet-api.jar',
  '9.0': '/usr/share/java/tomcat9-servlet-api.jar',
};

/** The `servlet` package of each line, for sources written once for both. */
export const SERVLET_PACKAGE: Readonly<Record<TomcatLine, string>> = {
  '10.1': 'jakarta.servlet',
  '9.0': 'javax.servlet',
};

export interface CompileOptions {
  /** Java sources by their path under the source root, e.g. `{ 'com/acme/Hello.java': '...' }`. */
  sources: Readonly<Record<string, string>>;
  /** Jars to compile against (e.g. {@link SERVLET_API_JAR}). */
  classpath?: readonly string[];
  /** `--release` of javac: the class files run on this Java and later. @defaultValue 11 */
  release?: number;
}

/** A compiled class file: its path under the classes root (`com/acme/Hello.class`) and its bytes. */
export interface ClassFile {
  name: string;
  data: Buffer;
}

/**
 * Compiles Java sources with the JDK's `javac` (Tomcat's packages bring Java 17) and returns
 * every class file, inner classes included, ready to be put in a WAR's `WEB-INF/classes/` or a
 * jar. Fails with a message that says how to install the JDK when `javac` is missing.
 */
export async function compileJava(options: CompileOptions): Promise<ClassFile[]> {
  const work = await mkdtemp(join(tmpdir(), 'tomcat-pd-javac-'));
  try {
    const sourceRoot = join(work, 'src');
    const classRoot = join(work, 'classes');
    const files = Object.entries(options.sources).map(([name, text]) => ({
      path: join(sourceRoot, name),
      text,
    }));
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path, file.text);
    }
    const classpath = options.classpath ?? [];
    const args = [
      '--release',
      String(options.release ?? 11),
      '-nowarn',
      '-d',
      classRoot,
      ...(classpath.length > 0 ? ['-cp', classpath.join(':')] : []),
      ...files.map((file) => file.path),
    ];
    await run('javac', args).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
      if (error.code === 'ENOENT') {
        throw new Error(
          'javac not found: install a JDK (apt-get install -y default-jdk-headless), as .ci/run does.',
        );
      }
      throw new Error(`javac failed: ${error.stderr ?? error.message}`);
    });
    const names = (await readdir(classRoot, { recursive: true })).filter((name) => name.endsWith('.class'));
    return Promise.all(
      names.sort().map(async (name) => ({
        name: relative(classRoot, join(classRoot, name)).split('\\').join('/'),
        data: await readFile(join(classRoot, name)),
      })),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
