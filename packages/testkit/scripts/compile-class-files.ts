/**
 * Compiles class-files/sources/ with the JDK's javac and writes the class files the core's unit
 * tests read into class-files/ (class-files/README.md). Run from the repository root after a
 * change to the sources, or when packages/core/test/check/class-constants.jdk.test.ts finds that javac now makes other bytes:
 *
 *   npx tsx packages/testkit/scripts/compile-class-files.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CLASS_FILES_DIR, compileClassFiles } from '../src/class-files.js';

for (const [name, data] of await compileClassFiles()) {
  const file = join(CLASS_FILES_DIR, name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
  console.log(`${file}: ${data.length} bytes`);
}
