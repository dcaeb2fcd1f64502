/**
 * What one `tomcat-pd lb status` costs over 2 balancers x 4 targets: two real HAProxy 2.6 (their
 * runtime API over TCP, through a relay here that counts the connections: one per command) in
 * front of 4 stand-in Managers (which count the requests each target gets), and `tomcat-pd
 * status` of the same 4 targets beside it, interleaved, a new process each run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startHaproxy, type HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { startStandIns, type StandInFleet } from '@tomcat-pd/testkit/stand-in-manager';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { writeTargetsConfig } from './lib/tomcats.js';

const TARGETS = 4;
const BALANCERS = 2;

/** A TCP relay in front of a runtime API socket that counts the connections (one per command). */
interface CountingRelay {
  port: number;
  connections: number;
  close(): Promise<void>;
}

async function startRelay(target: string): Promise<CountingRelay> {
  const { hostname, port } = new URL(target.replace(/^tcp:/, 'http:'));
  const relay = { port: 0, connections: 0 } as CountingRelay;
  const server: Server = createServer((socket) => {
    relay.connections += 1;
    const upstream = createConnection({ host: hostname, port: Number(port) });
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as { port: number }).port;
  relay.close = () => new Promise((resolve) => server.close(() => resolve()));
  return relay;
}

interface Sample {
  wallMs: number;
  /** Requests each target got in the run (all targets alike). */
  requestsPerTarget: number[];
  /** Runtime API commands each balancer got (lb status only). */
  commandsPerBalancer: number[];
}

export const benchLbStatus: Benchmark = (settings, log) =>
  withTempDir('lb-status', async (dir) => {
    let fleet: StandInFleet | undefined;
    const balancers: HaproxyInstance[] = [];
    const relays: CountingRelay[] = [];
    try {
      fleet = await startStandIns(TARGETS, 0);
      const targets = fleet.targets;
      for (let index = 0; index < BALANCERS; index++) {
        const haproxy = await startHaproxy({
          backend: 'tomcats',
          // Health checks would be requests to the stand-ins: the counts are the CLI's alone.
          servers: targets.map((target, server) => ({
            name: `t${server + 1}`,
            port: Number(new URL(target.managerUrl).port),
            check: false,
          })),
        });
        balancers.push(haproxy);
        relays.push(await startRelay(haproxy.tcpSocket));
      }
      const { configFile, env } = await writeTargetsConfig(dir, 'targets.json', targets);
      const config = JSON.parse(await readFile(configFile, 'utf8')) as { targets: unknown[] };
      const lbConfig = join(dir, 'tomcat-pd.json');
      await writeFile(
        lbConfig,
        JSON.stringify({
          ...config,
          balancers: relays.map((relay, index) => ({
            name: `lb${index + 1}`,
            type: 'haproxy',
            socket: `tcp://127.0.0.1:${relay.port}`,
            backend: 'tomcats',
          })),
        }),
      );
      const measure = (args: string[]) => async (): Promise<Sample> => {
        for (const target of targets) target.reset();
        const before = relays.map((relay) => relay.connections);
        const run = assertSucceeded(
          await runCli(['--config', lbConfig, ...args], { env, measureRss: false }),
          args.join(' '),
        );
        return {
          wallMs: run.wallMs,
          requestsPerTarget: targets.map((target) => target.requests.length),
          commandsPerBalancer: relays.map((relay, index) => relay.connections - before[index]!),
        };
      };
      const series = await runInterleaved(
        [
          { name: 'lb status', measure: measure(['lb', 'status']) },
          { name: 'status', measure: measure(['status']) },
        ],
        { runs: settings.runs, log },
      );
      const row = (samples: Sample[], balancersToo: boolean) => ({
        ...spread(
          samples.map((sample) => sample.wallMs),
          'ms',
        ),
        'requests per target (median)': round(
          summarize(samples.flatMap((sample) => sample.requestsPerTarget)).median,
        ),
        ...(balancersToo
          ? {
              'runtime API commands per balancer (median)': round(
                summarize(samples.flatMap((sample) => sample.commandsPerBalancer)).median,
              ),
            }
          : {}),
      });
      return {
        table: {
          [`lb status, ${BALANCERS} HAProxy x ${TARGETS} targets`]: row(series.runs['lb status']!, true),
          [`status, the same ${TARGETS} targets`]: row(series.runs.status!, false),
        },
        samples: series,
      };
    } finally {
      await Promise.all(relays.map((relay) => relay.close()));
      await Promise.all(balancers.map((haproxy) => haproxy.stop()));
      await fleet?.close();
    }
  });
