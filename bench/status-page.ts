/**
 * What one read of the status page (`GET /manager/status/all?JSON=true`) costs a Tomcat 10.1
 * with many resident versions of one app (`--status-versions`, default 100), against
 * `GET /manager/text/list`: wall time of each request on a new connection, as a CLI run makes
 * it (interleaved), and the JVM's CPU per request over 50 more of each (its clock ticks in 10 ms).
 */
import { readFile } from 'node:fs/promises';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { basicAuth } from '@tomcat-pd/testkit/tomcat-instance';
import { runInterleaved } from './lib/interleave.js';
import { cpuSeconds } from './lib/proc-stat.js';
import type { Benchmark } from './lib/record.js';
import { round, spread } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { startTomcats, stopTomcats } from './lib/tomcats.js';

const CPU_REQUESTS = 50;
const IDLE_MS = 5_000;

export const benchStatusPage: Benchmark = (settings, log) =>
  withTempDir('status-page', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const tomcat = tomcats[0]!;
      const pid = tomcat.pid!;
      const authorization = basicAuth(tomcat.users.script);
      const war = await readFile(await buildTestWar(dir, { label: 'cost' }));
      log(`  deploying ${settings.statusVersions} versions of /cost ...`);
      for (let v = 1; v <= settings.statusVersions; v++) {
        const url = `${tomcat.managerUrl}/text/deploy?path=/cost&version=${String(v).padStart(3, '0')}`;
        const answer = await (
          await fetch(url, { method: 'PUT', headers: { authorization }, body: war })
        ).text();
        if (!answer.startsWith('OK -')) throw new Error(`deploy ${v}: ${answer}`);
      }
      const request = async (url: string) => {
        const started = performance.now();
        const answer = await fetch(url, { headers: { authorization, connection: 'close' } });
        const bytes = (await answer.arrayBuffer()).byteLength;
        if (answer.status !== 200) throw new Error(`${url}: HTTP ${answer.status}`);
        return { wallMs: performance.now() - started, bytes };
      };
      const endpoints = {
        list: `${tomcat.managerUrl}/text/list`,
        'status/all?JSON=true': `${tomcat.managerUrl}/status/all?JSON=true`,
      };
      // The deploys' background work (JSP compiler threads, GC) settles; what the idle JVM uses stays in the record.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const idleStart = await cpuSeconds(pid);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const idleCpuMsPerSecond = ((await cpuSeconds(pid)) - idleStart) * (1_000_000 / IDLE_MS);
      const samples = await runInterleaved(
        Object.entries(endpoints).map(([name, url]) => ({ name, measure: () => request(url) })),
        { runs: Math.max(settings.runs, 10), log },
      );
      const table: Record<string, Record<string, number>> = {};
      for (const [name, url] of Object.entries(endpoints)) {
        const before = await cpuSeconds(pid);
        for (let i = 0; i < CPU_REQUESTS; i++) await request(url);
        const series = samples.runs[name]!;
        table[name] = {
          ...spread(
            series.map((sample) => sample.wallMs),
            'ms',
            1,
          ),
          'JVM CPU ms per request': round((((await cpuSeconds(pid)) - before) * 1000) / CPU_REQUESTS, 1),
          KB: round(series[0]!.bytes / 1024, 1),
        };
      }
      return { table, samples: { ...samples, idleCpuMsPerSecond } };
    } finally {
      await stopTomcats(tomcats);
    }
  });
