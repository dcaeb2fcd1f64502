import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileJava, SERVLET_API_JAR } from './java-compile.js';

/**
 * Class files compiled from `class-files/sources/` and committed beside them, so that the
 * core's unit tests read real javac output without a JDK (class-files/README.md).
 */
export const CLASS_FILES_DIR = fileURLToPath(new URL('../class-files/', import.meta.url));

/** The committed class files, by their path under the classes root. */
export const CLASS_FILE_NAMES = [
  'demo/Links.class',
  'demo/Listener$Inner.class',
  'demo/Listener.class',
  'module-info.class',
] as const;

export type ClassFileName = (typeof CLASS_FILE_NAMES)[number];

/** The bytes of one committed class file. */
export function readClassFile(name: ClassFileName): Buffer {
  return readFileSync(join(CLASS_FILES_DIR, name));
}

/** Every `.java` file under one source root, by its path under that root. */
async function javaSources(root: string): Promise<Record<string, string>> {
  const names = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.java'));
  const sources: Record<string, string> = {};
  for (const name of names.sort()) sources[name] = await readFile(join(root, name), 'utf8');
  return sources;
}

/**
 * Compiles the sources as the committed class files were made: `servlet/` against Tomcat
 * 10.1's Servlet API, `module/` on its own (a named module cannot read a jar on the class
 * path), of which only `module-info.class` is kept. Needs the JDK's javac and Debian's tomcat10.
 */
export async function compileClassFiles(): Promise<Map<ClassFileName, Buffer>> {
  const sources = join(CLASS_FILES_DIR, 'sources');
  const compiled = [
    ...(await compileJava({
      sources: await javaSources(join(sources, 'servlet')),
      classpath: [SERVLET_API_JAR['10.1']],
    })),
    ...(await compileJava({ sources: await javaSources(join(sources, 'module')) })),
  ];
  const kept = new Map<ClassFileName, Buffer>();
  for (const name of CLASS_FILE_NAMES) {
    const file = compiled.find((each) => each.name === name);
    if (file === undefined) throw new Error(`javac made no ${name}`);
    kept.set(name, file.data);
  }
  return kept;
}
