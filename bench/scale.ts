/**
 * Many targets: `tomcat-pd --config FILE --parallel P COMMAND` (status, status --metrics,
 * drain --dry-run, and a deploy of a small WAR) against N stand-in Managers (node:http servers
 * in this process, each on its own port, answering recorded Tomcat 10.1 texts after a fixed
 * latency), every default on (human output, the deploy's WAR check), a new process each run.
 * In the same interleaved series, for each `status` case, a bare node:http client that only GETs
 * `list` from the same targets (lib/bare-client.ts). The stand-ins time every request, so the
 * request phase of a run (first request to last answer) is known apart from start-up and output.
 */
import { cpus } from 'node:os';
import type { SeenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import { seenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import { startStandIns, type StandInFleet } from '@tomcat-pd/testkit/stand-in-manager';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';
import { runBareClient } from './lib/bare-client.js';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import { reapedChildrenCpuSeconds } from './lib/proc-stat.js';
import type { Benchmark } from './lib/record.js';
import { waitForQuiet } from './lib/settle.js';
import { megabytes, round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { writeTargetsConfig, type TargetsConfig } from './lib/tomcats.js';

const PARALLELS = [4, 16] as const;

/** The commands, after `--config FILE --parallel P`; `war` is the WAR file. */
const COMMANDS: Record<string, (war: string) => string[]> = {
  status: () => ['status'],
  'status --metrics': () => ['status', '--metrics'],
  'drain --dry-run': () => ['drain', '--dry-run'],
  deploy: (war) => ['deploy', war, '--path', '/scale'],
};

interface ScaleSample extends SeenRun {
  wallMs: number;
  peakRssKb?: number;
  /** user + system CPU of the CLI process (/proc, 10 ms ticks). */
  cliCpuMs?: number;
}

/** One variant of the series: a command of the CLI, or the bare client (no command). */
interface ScaleCase {
  name: string;
  command: string | undefined;
  targets: number;
  parallel: number;
}

const bareName = (targets: number, parallel: number) =>
  `bare node:http GETs, ${targets} targets, ${parallel} at once`;

function casesOf(targetCounts: readonly number[]): ScaleCase[] {
  return targetCounts.flatMap((targets) =>
    PARALLELS.flatMap((parallel) => [
      ...Object.keys(COMMANDS).map((command) => ({
        name: `${command}, ${targets} targets, --parallel ${parallel}`,
        command,
        targets,
        parallel,
      })),
      {
        name: bareName(targets, parallel),
        command: undefined,
        targets,
        parallel,
      },
    ]),
  );
}

/** Every stand-in forgets its requests and deployed versions; then the machine quietens (untimed). */
async function resetAll(fleet: StandInFleet): Promise<void> {
  for (const target of fleet.targets) target.reset();
  await waitForQuiet(cpus().length);
}

/** A run that left a target unasked measured less than it claims. */
function checkEveryTargetAsked(fleet: StandInFleet, { name, targets }: ScaleCase): void {
  const unasked = fleet.targets.slice(0, targets).filter((target) => target.requests.length === 0).length;
  if (unasked > 0) throw new Error(`${name}: ${unasked} of ${targets} stand-ins got no request`);
}

/** Runs one case: the CLI with the config of its first `targets` stand-ins, or the bare client. */
async function runCase(
  fleet: StandInFleet,
  scaleCase: ScaleCase,
  setup: { configs: Map<number, TargetsConfig>; war: string; dir: string },
): Promise<ScaleSample> {
  const { command, targets, parallel, name } = scaleCase;
  await resetAll(fleet);
  if (command === undefined) return runBareClient(fleet.targets.slice(0, targets), parallel);
  const config = setup.configs.get(targets)!;
  const args = [
    '--config',
    config.configFile,
    '--parallel',
    String(parallel),
    ...COMMANDS[command]!(setup.war),
  ];
  const cpuBefore = await reapedChildrenCpuSeconds();
  const spawnedAt = performance.now();
  const run = assertSucceeded(await runCli(args, { env: config.env, cwd: setup.dir }), name);
  const cliCpuMs = ((await reapedChildrenCpuSeconds()) - cpuBefore) * 1000;
  checkEveryTargetAsked(fleet, scaleCase);
  const seen = seenRun(fleet.targets.slice(0, targets), spawnedAt, run.wallMs);
  return { ...seen, wallMs: run.wallMs, peakRssKb: run.peakRssKb, cliCpuMs };
}

const median = (series: readonly ScaleSample[], of: (sample: ScaleSample) => number) =>
  summarize(series.map(of)).median;

/** One row a case: wall time, the request phase, the latency floor, peak RSS; `status` against the bare client. */
function rowOf(scaleCase: ScaleCase, samples: Record<string, ScaleSample[]>, latencyMs: number) {
  const series = samples[scaleCase.name]!;
  const depth = Math.max(...series.map((sample) => sample.depth));
  const peaks = series.flatMap((sample) => sample.peakRssKb ?? []);
  const row: Record<string, number | undefined> = {
    ...spread(
      series.map((sample) => sample.wallMs),
      'ms',
    ),
    'requests ms (median)': round(median(series, (sample) => sample.requestsMs)),
    'in sequence': depth,
    'latency floor ms': Math.ceil(scaleCase.targets / scaleCase.parallel) * depth * latencyMs,
    'peak RSS MB': peaks.length === 0 ? undefined : megabytes(Math.max(...peaks)),
  };
  const bare = samples[bareName(scaleCase.targets, scaleCase.parallel)];
  if (scaleCase.command === 'status' && bare !== undefined) {
    const ratio = (of: (sample: ScaleSample) => number) => round(median(series, of) / median(bare, of), 2);
    row['x bare (wall)'] = ratio((sample) => sample.wallMs);
    row['x bare (requests)'] = ratio((sample) => sample.requestsMs);
  }
  return row;
}

export const benchScale: Benchmark = (settings, log) =>
  withTempDir('scale', async (dir) => {
    const most = Math.max(...settings.scaleTargets);
    log(`  starting ${most} stand-in Managers (${settings.scaleLatencyMs} ms) ...`);
    const fleet = await startStandIns(most, settings.scaleLatencyMs);
    try {
      const war = await buildLargeWar(dir, Math.round(settings.scaleSizeMb * 1024 * 1024), 'scale');
      const configs = new Map<number, TargetsConfig>();
      for (const targets of settings.scaleTargets)
        configs.set(
          targets,
          await writeTargetsConfig(dir, `scale-${targets}.json`, fleet.targets.slice(0, targets)),
        );
      const cases = casesOf(settings.scaleTargets);
      log(`  ${cases.length} cases`);
      const variants = cases.map((scaleCase) => ({
        name: scaleCase.name,
        measure: () => runCase(fleet, scaleCase, { configs, war, dir }),
      }));
      const samples = await runInterleaved(variants, { runs: settings.runs, log });
      const table = Object.fromEntries(
        cases.map((scaleCase) => [scaleCase.name, rowOf(scaleCase, samples.runs, settings.scaleLatencyMs)]),
      );
      return { table, samples };
    } finally {
      await fleet.close();
    }
  });
