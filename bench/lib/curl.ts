import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type CommandRun } from './cli-process.js';
import type { ManagerTarget } from './tomcats.js';

/**
 * A value in double quotes for a curl config file: inside quotes curl unescapes `\\` and `\"`
 * (and \t \n \r \v), so those two are escaped; everything else, `:` `@` `%` `#` and spaces
 * included, is taken literally. No percent-encoding: `user` is not part of a URL.
 */
export function curlQuote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * Writes a curl config (`-K FILE`) with the target's user and password, readable by its owner
 * only: the credentials are never on a command line, where every user of the machine reads them.
 */
export async function writeCurlConfig(
  dir: string,
  target: ManagerTarget,
  name = 'curl.conf',
): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `user = ${curlQuote(`${target.user}:${target.password}`)}\n`, { mode: 0o600 });
  return file;
}

/**
 * What an operator does by hand: `curl -T WAR MANAGER/text/deploy?...`, credentials from the
 * config of {@link writeCurlConfig}. Throws unless Tomcat answered `OK -`.
 */
export async function curlDeploy(
  target: ManagerTarget,
  config: string,
  warFile: string,
  options: { path: string; version: string; terminal?: boolean },
): Promise<CommandRun> {
  const query = new URLSearchParams({ path: options.path, version: options.version });
  const url = `${target.managerUrl}/text/deploy?${query.toString()}`;
  const run = await runCommand('curl', ['-sS', '-K', config, '-T', warFile, url], {
    terminal: options.terminal,
  });
  if (run.code !== 0 || !run.stdout.includes('OK - Deployed')) {
    throw new Error(
      `curl deploy of ${options.path} failed (exit ${run.code}): ${run.stderr}${run.stdout}`.trim(),
    );
  }
  return run;
}
