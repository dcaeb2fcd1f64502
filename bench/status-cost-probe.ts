/**
 * Throwaway probe: what one `GET /manager/status/all?JSON=true` costs on Tomcat 10.1 with 100
 * resident versions of one app, against `GET /manager/text/list`. Wall time: median of 10
 * requests each after 2 warm-ups (one connection per request, as a CLI run makes it). CPU: the
 * Tomcat JVM's utime+stime (/proc/PID/stat) around the same 10 requests, and around 50 more for a
 * finer figure (the clock ticks in 10 ms). Run from the repository root:
 *
 *   pnpm run build && npx tsx bench/status-cost-probe.ts [versions]
 */
import { readFile } from 'node:fs/promises';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { basicAuth } from '@tomcat-pd/testkit/tomcat-instance';
import { cpuSeconds } from './lib/proc-stat.js';
import { withTempDir } from './lib/temp-dir.js';
import { startTomcats, stopTomcats } from './lib/tomcats.js';

const VERSIONS = Number(process.argv[2] ?? 100);
const WARM_UPS = 2;
const RUNS = 10;
const CPU_RUNS = 50;

interface Measured {
  name: string;
  wallMs: number[];
  cpuMsPerRequest10: number;
  cpuMsPerRequest50: number;
  bytes: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  await withTempDir('status-cost', async (dir) => {
    const [tomcat] = await startTomcats(1);
    if (tomcat === undefined) throw new Error('no Tomcat');
    try {
      const pid = tomcat.pid;
      if (pid === undefined) throw new Error('the JVM has no pid');
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      if (!cmdline[0]?.endsWith('java') || !cmdline.some((arg) => arg.includes(tomcat.catalinaBase)))
        throw new Error(`pid ${pid} is not this instance's JVM: ${cmdline.join(' ')}`);
      const auth = basicAuth(tomcat.users.script);
      const war = await readFile(await buildTestWar(dir, { label: 'cost' }));
      const deployStarted = performance.now();
      for (let v = 1; v <= VERSIONS; v++) {
        const version = String(v).padStart(3, '0');
        const res = await fetch(`${tomcat.managerUrl}/text/deploy?path=/cost&version=${version}`, {
          method: 'PUT',
          headers: { authorization: auth },
          body: war,
        });
        const text = await res.text();
        if (!text.startsWith('OK -')) throw new Error(`deploy ${version}: ${text}`);
      }
      const deploySeconds = (performance.now() - deployStarted) / 1000;
      console.log(`deployed ${VERSIONS} versions of /cost in ${deploySeconds.toFixed(1)} s`);

      const request = async (url: string): Promise<{ ms: number; bytes: number }> => {
        const started = performance.now();
        const res = await fetch(url, { headers: { authorization: auth, connection: 'close' } });
        const body = Buffer.from(await res.arrayBuffer());
        const ms = performance.now() - started;
        if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
        return { ms, bytes: body.length };
      };

      const measure = async (name: string, url: string): Promise<Measured> => {
        for (let i = 0; i < WARM_UPS; i++) await request(url);
        const wallMs: number[] = [];
        let bytes = 0;
        const cpu0 = await cpuSeconds(pid);
        for (let i = 0; i < RUNS; i++) {
          const one = await request(url);
          wallMs.push(one.ms);
          bytes = one.bytes;
        }
        const cpu1 = await cpuSeconds(pid);
        for (let i = 0; i < CPU_RUNS; i++) await request(url);
        const cpu2 = await cpuSeconds(pid);
        return {
          name,
          wallMs,
          cpuMsPerRequest10: ((cpu1 - cpu0) * 1000) / RUNS,
          cpuMsPerRequest50: ((cpu2 - cpu1) * 1000) / CPU_RUNS,
          bytes,
        };
      };

      // Let the deploys' background work (JSP compiler threads, GC) settle first.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const idle0 = await cpuSeconds(pid);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const idleMsPerSecond = ((await cpuSeconds(pid)) - idle0) * 200;
      console.log(`idle JVM: ${idleMsPerSecond.toFixed(1)} ms CPU per second`);

      const results: Measured[] = [];
      // Twice each, interleaved, so that a drift of the machine shows.
      for (let round = 1; round <= 2; round++) {
        results.push(await measure(`list (round ${round})`, `${tomcat.managerUrl}/text/list`));
        results.push(
          await measure(`status/all JSON (round ${round})`, `${tomcat.managerUrl}/status/all?JSON=true`),
        );
      }
      for (const r of results) {
        console.log(
          `${r.name}: wall median ${median(r.wallMs).toFixed(1)} ms ` +
            `(min ${Math.min(...r.wallMs).toFixed(1)}, max ${Math.max(...r.wallMs).toFixed(1)}), ` +
            `CPU ${r.cpuMsPerRequest10.toFixed(1)} ms/request over ${RUNS}, ` +
            `${r.cpuMsPerRequest50.toFixed(1)} ms/request over ${CPU_RUNS}, body ${r.bytes} bytes`,
        );
      }
    } finally {
      await stopTomcats([tomcat]);
    }
  });
}

await main();
