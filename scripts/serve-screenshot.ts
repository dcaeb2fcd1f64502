/**
 * Makes docs/serve.png, the screenshot of `tomcat-pd serve` in docs/serve.md: two real Tomcats,
 * each with /shop in two versions (001 draining, its visitors' sessions still on it, and 002
 * live), web1 with /api too, and a third target on a closed port, down. Needs Tomcat and
 * Debian's Chromium, as the integration tests do. Run: `pnpm run build && npx tsx scripts/serve-screenshot.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createManagerClient, deploy, type ManagerClient } from '@tomcat-pd/core';
import { launchBrowser } from '@tomcat-pd/testkit/browser';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';

const OUT = fileURLToPath(new URL('../docs/serve.png', import.meta.url));

/** Deploys `labels` in order (001, 002, ...); `visitors[i]` new sessions on each as it is live. */
async function deployWithVisitors(
  tomcat: TomcatInstance,
  client: ManagerClient,
  dir: string,
  path: string,
  visitors: number[],
): Promise<void> {
  for (const [i, count] of visitors.entries()) {
    const label = `r${i + 1}`;
    const warFile = await buildTestWar(dir, { label, fileName: `${path.slice(1)}-${label}.war` });
    await deploy(client, { path, warFile });
    for (let n = 0; n < count; n++) await new Visitor(tomcat.baseUrl).get(`${path}/`);
  }
  // Two answers that Tomcat counts as errors, so the ERRORS column has something to say.
  for (let n = 0; n < 2; n++) await new Visitor(tomcat.baseUrl).get(`${path}/missing`);
}

/** Resolves with the URL `serve` prints on stdout. */
function servedUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^Serving (\S+)$/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL`)));
  });
}

/** Waits until every target that answers has been read with its status page. */
async function waitForMetrics(url: string, upTargets: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const document = (await (await fetch(new URL('api/status', url))).json()) as {
      targets: { state: string; metricsReadAt: string | null }[];
    };
    const read = document.targets.filter((t) => t.state === 'up' && t.metricsReadAt !== null);
    if (read.length === upTargets && document.targets.every((t) => t.state !== 'pending')) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('serve did not read every target with its status page');
}

const tomcats = await startTogether([startTomcat(), startTomcat()]);
const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-screenshot-'));
let child: ReturnType<typeof spawn> | undefined;
try {
  const [web1, web2] = tomcats;
  const clientOf = (t: TomcatInstance) =>
    createManagerClient({ url: t.managerUrl, user: t.user, password: t.password });
  await deployWithVisitors(web1, clientOf(web1), dir, '/shop', [3, 5]);
  await deployWithVisitors(web1, clientOf(web1), dir, '/api', [1]);
  await deployWithVisitors(web2, clientOf(web2), dir, '/shop', [1, 2]);
  const config = join(dir, 'tomcat-pd.json');
  const target = (name: string, tomcat: TomcatInstance, env: string) => ({
    name,
    url: tomcat.managerUrl,
    user: tomcat.user,
    passwordEnv: env,
  });
  await writeFile(
    config,
    JSON.stringify({
      targets: [
        target('web1', web1, 'PW_WEB1'),
        target('web2', web2, 'PW_WEB2'),
        // Nothing listens there: how the page shows a target it cannot read.
        {
          name: 'web3',
          url: `http://127.0.0.1:${await freePort()}/manager`,
          user: 'deployer',
          passwordEnv: 'PW_WEB3',
        },
      ],
    }),
  );
  child = spawn(
    process.execPath,
    [CLI_BIN, '--config', config, '--retries', '0', 'serve', '--listen', '127.0.0.1:0', '--interval', '2s'],
    {
      env: { ...process.env, PW_WEB1: web1.password, PW_WEB2: web2.password, PW_WEB3: 'unused' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await servedUrl(child);
  await waitForMetrics(url, 2);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 400 } });
    await page.goto(url);
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`Wrote ${OUT}`);
} finally {
  child?.kill('SIGTERM');
  await Promise.all(tomcats.map((tomcat) => tomcat.stop()));
  await rm(dir, { recursive: true, force: true });
}
