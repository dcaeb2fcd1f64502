import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Servlet API of Debian's tomcat10 package, for classes that call HttpServletResponse. */
export const SERVLET_API = '/usr/share/tomcat10/lib/servlet-api.jar';

/**
 * Compiles Java sources with the JDK's javac (the integration harness has the same helper in
 * test/harness/java-compile.ts; the core package cannot import outside itself) and returns the
 * class files by their path under the classes root (`com/acme/A.class`).
 */
export async function javac(
  sources: Readonly<Record<string, string>>,
  options: { classpath?: readonly string[]; release?: number } = {},
): Promise<Map<string, Buffer>> {
  const work = await mkdtemp(join(tmpdir(), 'tomcat-pd-check-javac-'));
  try {
    const files: string[] = [];
    for (const [name, text] of Object.entries(sources)) {
      const path = join(work, 'src', name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      files.push(path);
    }
    const classes = join(work, 'classes');
    const classpath = options.classpath ?? [];
    await run('javac', [
      '--release',
      String(options.release ?? 11),
      '-nowarn',
      '-d',
      classes,
      ...(classpath.length > 0 ? ['-cp', classpath.join(':')] : []),
      ...files,
    ]).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
      if (error.code === 'ENOENT')
        throw new Error('javac not found: install a JDK (apt-get install -y default-jdk-headless).');
      throw new Error(`javac failed: ${error.stderr ?? error.message}`);
    });
    const result = new Map<string, Buffer>();
    for (const name of (await readdir(classes, { recursive: true }))
      .filter((n) => n.endsWith('.class'))
      .sort()) {
      result.set(name.split('\\').join('/'), await readFile(join(classes, name)));
    }
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
