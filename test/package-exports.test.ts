import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const testDir = dirname(new URL(import.meta.url).pathname);

/** Runs a snippet with plain node in this workspace package, as a build script would. */
async function node(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: testDir });
  return stdout.trim();
}

describe('the built @tomcat-pd/core package', () => {
  it('can be required from CommonJS', async () => {
    const out = await node([
      '-e',
      "const c = require('@tomcat-pd/core'); console.log(typeof c.deploy, typeof c.drain, c.compareVersions('10', '9'))",
    ]);
    expect(out).toBe('function function -1');
  });

  it('can be imported from ESM', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      "import { rollback, planDrain, ErrorCode } from '@tomcat-pd/core'; console.log(typeof rollback, typeof planDrain, ErrorCode.auth)",
    ]);
    expect(out).toBe('function function E_AUTH');
  });

  it('recognises its errors across the ESM and the CJS copy', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      [
        "import { createRequire } from 'node:module';",
        "import { isTomcatPdError, TomcatPdError } from '@tomcat-pd/core';",
        "const cjs = createRequire(import.meta.url)('@tomcat-pd/core');",
        "const error = new cjs.TomcatPdError('E_USAGE', 'x');",
        'console.log(isTomcatPdError(error), error instanceof TomcatPdError);',
      ].join('\n'),
    ]);
    expect(out).toBe('true false');
  });

  it('offers the parsers at @tomcat-pd/core/parsers and the errors alone at @tomcat-pd/core/errors', async () => {
    const out = await node([
      '--input-type=module',
      '-e',
      [
        "import { createRequire } from 'node:module';",
        "import { parseList } from '@tomcat-pd/core/parsers';",
        "import { UsageError } from '@tomcat-pd/core/errors';",
        "const cjs = createRequire(import.meta.url)('@tomcat-pd/core/parsers');",
        "const text = 'OK - Listed applications for virtual host [localhost]\\n/a:running:1:a##002\\n';",
        "console.log(parseList(text)[0].version, cjs.parseList(text)[0].sessions, new UsageError('x').name);",
      ].join('\n'),
    ]);
    expect(out).toBe('002 1 UsageError');
  });

  it('keeps the internals internal: no executeDeploy, mapLimited or parser in the main entry', async () => {
    const out = await node([
      '-e',
      "const c = require('@tomcat-pd/core'); console.log(['executeDeploy', 'mapLimited', 'parseList', 'usageError'].filter((n) => n in c).length)",
    ]);
    expect(out).toBe('0');
  });

  it('ships type declarations for both', () => {
    const entry = createRequire(join(testDir, 'package.json')).resolve('@tomcat-pd/core');
    expect(existsSync(join(dirname(entry), 'index.d.cts'))).toBe(true);
    expect(existsSync(join(dirname(entry), 'index.d.mts'))).toBe(true);
  });
});
