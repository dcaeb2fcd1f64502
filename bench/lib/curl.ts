import { spawn } from 'node:child_process';
import type { ManagerTarget } from './tomcats.js';

export interface CurlRun {
  /** From just before spawn() to the 'exit' event, as for the CLI (cli-process.ts). */
  wallMs: number;
  /** Tomcat's answer, e.g. `OK - Deployed application at context path [/curl##001]`. */
  answer: string;
}

/**
 * A value in double quotes for a curl config file: inside quotes curl unescapes `\\` and `\"`
 * (and \t \n \r \v), so those two are escaped; everything else, `:` `@` `%` `#` and spaces
 * included, is taken literally. No percent-encoding: `user` is not part of a URL.
 */
export function curlQuote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * What an operator does by hand: `curl -T WAR -u user:password MANAGER/text/deploy?...`. The
 * credentials go in a config read from stdin (`-K -`), never on the command line, where every
 * user of the machine could read them. Throws unless Tomcat answered `OK -`.
 */
export async function curlDeploy(
  target: ManagerTarget,
  warFile: string,
  context: { path: string; version: string },
): Promise<CurlRun> {
  const query = new URLSearchParams({ path: context.path, version: context.version });
  const url = `${target.managerUrl}/text/deploy?${query.toString()}`;
  const config = `user = ${curlQuote(`${target.user}:${target.password}`)}\n`;
  const { stdout, stderr, code, wallMs } = await runCurl(['-sS', '-K', '-', '-T', warFile, url], config);
  if (code !== 0 || !stdout.startsWith('OK -')) {
    throw new Error(`curl deploy of ${context.path} failed (exit ${code}): ${stderr}${stdout}`.trim());
  }
  return { wallMs, answer: stdout.trim() };
}

/** The first line of `curl --version`, for the machine description. */
export async function curlVersion(): Promise<string> {
  const { stdout } = await runCurl(['--version'], '');
  return stdout.split('\n', 1)[0] ?? 'unknown';
}

async function runCurl(
  args: readonly string[],
  stdin: string,
): Promise<{ stdout: string; stderr: string; code: number | null; wallMs: number }> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn('curl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(stdin);
  let wallMs = 0;
  child.once('exit', () => (wallMs = performance.now() - started));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return {
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    code,
    wallMs,
  };
}
