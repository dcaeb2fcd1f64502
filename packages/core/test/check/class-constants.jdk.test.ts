/**
 * The class files that the core's unit tests read instead of running javac
 * (packages/testkit/class-files/): javac still makes these bytes of their sources, and the
 * class-file reader finds the same Class constants as the JDK's javap in each. Needs the JDK and
 * Debian's tomcat10 (the Servlet API jar), no Tomcat process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CLASS_FILE_NAMES,
  CLASS_FILES_DIR,
  compileClassFiles,
  readClassFile,
} from '@tomcat-pd/testkit/class-files';
import { readClassConstants } from '../../src/check/class-constants.js';

const run = promisify(execFile);

describe('the committed class files', () => {
  it('are what javac makes of their sources today', async () => {
    const compiled = await compileClassFiles();
    for (const name of CLASS_FILE_NAMES) {
      // On a mismatch: npx tsx packages/testkit/scripts/compile-class-files.ts, and commit.
      expect(readClassFile(name).equals(compiled.get(name)!), name).toBe(true);
    }
  }, 60_000);

  it('hold the same Class constants, in pool order, for the reader as for javap', async () => {
    for (const name of CLASS_FILE_NAMES) {
      const { stdout } = await run('javap', ['-v', join(CLASS_FILES_DIR, name)]);
      // `#7 = Class              #8             // java/net/ServerSocket`
      const expected = [...stdout.matchAll(/^\s+#\d+ = Class\s+#\d+\s+\/\/ (.+)$/gm)].map((match) =>
        match[1]!.replace(/^"(.*)"$/, '$1'),
      );
      expect(expected.length, name).toBeGreaterThan(0);
      const result = readClassConstants(readClassFile(name));
      expect(result.ok && result.constants.classNames, name).toEqual(expected);
    }
    // A JVM per javap.
  }, 60_000);
});
