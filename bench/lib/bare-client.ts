/**
 * The least any Node.js client can do with the stand-ins: a child process that GETs `list` from
 * each target with bare node:http, `parallel` at once, nothing else (no config, no parsing, no
 * report). Its request phase, as the stand-ins see it, is the floor of this machine for the
 * CLI's own: both ends of every request, 2 processes on few cores, a new connection per target.
 */
import { spawn } from 'node:child_process';
import { seenRun, type SeenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import type { StandInManager } from '@tomcat-pd/testkit/stand-in-manager';

// Read from the environment so that no URL or password is on a command line.
const SCRIPT = `
const http = require('node:http');
const urls = JSON.parse(process.env.BARE_URLS);
const headers = { Authorization: process.env.BARE_AUTH };
let next = 0;
const one = (url) => new Promise((resolve, reject) => {
  http.get(url, { headers }, (answer) => { answer.resume(); answer.on('end', resolve); }).on('error', reject);
});
const worker = async () => { while (next < urls.length) await one(urls[next++]); };
Promise.all(Array.from({ length: Number(process.env.BARE_PARALLEL) }, worker)).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** One run of the bare client on `targets` (reset before), as the stand-ins saw it, and its wall time. */
export async function runBareClient(
  targets: readonly StandInManager[],
  parallel: number,
): Promise<SeenRun & { wallMs: number }> {
  const [first] = targets;
  if (first === undefined) throw new Error('the bare client needs a target');
  const env = {
    ...process.env,
    BARE_URLS: JSON.stringify(targets.map((target) => `${target.managerUrl}/text/list`)),
    BARE_AUTH: `Basic ${Buffer.from(`${first.user}:${first.password}`).toString('base64')}`,
    BARE_PARALLEL: String(parallel),
  };
  const spawnedAt = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the bare node:http client exited with ${code}`);
  const wallMs = performance.now() - spawnedAt;
  return { ...seenRun(targets, spawnedAt, wallMs), wallMs };
}
