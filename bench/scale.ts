/**
 * Issue 12, item 6: scale. `status`, `status --metrics`, `drain --dry-run` and a 10 MB deploy
 * on 10, 50 and 200 targets with `--parallel` 4 and 16, every target a stand-in Manager on its
 * own port (lib/stand-in-manager.ts) that answers recorded Tomcat texts after a fixed latency
 * (20 ms). Wall time against the latency floor, the least time the requests allow: one latency
 * per request each target makes in sequence (counted by the stand-ins), once per round of
 * `parallel` targets; for the deploy also the uploads at the rate the loopback sustained at zero
 * latency. And the CLI's peak RSS. The report is in lib/scale-report.ts.
 */
import { cpus } from 'node:os';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import { cpuTimesSince, machineCpuTimes, reapedChildrenCpuSeconds } from './lib/proc-stat.js';
import type { MachineCpuTimes } from './lib/proc-stat.js';
import type { Variant } from './lib/interleave.js';
import type { Section } from './lib/results.js';
import { waitForQuiet } from './lib/settle.js';
import { bareName, caseName, scaleSection } from './lib/scale-report.js';
import { runBareClient } from './lib/bare-client.js';
import type { SeenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import type { ScaleCase, ScaleCommand, ScaleSample } from './lib/scale-report.js';
import { seenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import { startStandIns } from '@tomcat-pd/testkit/stand-in-manager';
import type { StandInFleet } from '@tomcat-pd/testkit/stand-in-manager';
import { withTempDir } from './lib/temp-dir.js';
import { cliEnv, writeTargetsConfig } from './lib/tomcats.js';
import type { TargetsConfig } from './lib/tomcats.js';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';

const PARALLELS = [4, 16] as const;
/** Zero-latency cases run at least this often: the floor takes their fastest run. */
const CALIBRATION_RUNS = 5;

/** Every command with `--json`: the document a script would read, rendered for all targets. */
const COMMANDS: readonly ScaleCommand[] = [
  { name: 'status', args: () => ['status', '--json'], uploads: false },
  { name: 'status --metrics', args: () => ['status', '--metrics', '--json'], uploads: false },
  { name: 'drain --dry-run', args: () => ['drain', '--dry-run', '--json'], uploads: false },
  { name: 'deploy', args: (war) => ['deploy', war, '--path', '/scale', '--json'], uploads: true },
];

/** `tomcat-pd --version`: the start-up every run pays, against no target. */
const VERSION: ScaleCommand = { name: '--version', args: () => ['--version'], uploads: false };

export interface ScaleBenchOptions {
  runs: number;
  /** Numbers of targets, ascending (default 10, 50, 200). */
  targetCounts: readonly number[];
  latencyMs: number;
  sizeMb: number;
  log: (line: string) => void;
}

interface Setup {
  fleet: StandInFleet;
  configs: Map<number, TargetsConfig>;
  warFile: string;
  dir: string;
}

/** CPU seconds so far: of the machine (busy), of the reaped CLI runs, of this process (the stand-ins). */
async function cpuNow(): Promise<{ machine: MachineCpuTimes; cli: number; self: number }> {
  const [machine, cli] = await Promise.all([machineCpuTimes(), reapedChildrenCpuSeconds()]);
  const { user, system } = process.cpuUsage();
  return { machine, cli, self: (user + system) / 1e6 };
}

/**
 * One run of a case: every stand-in forgets its requests and deployed versions and the machine
 * is left to quieten (untimed: other work would be charged to the run), then the CLI runs with
 * the config of the first `targets` stand-ins; its answer must name each. The CPU the CLI, the
 * stand-ins (this process) and everything else used meanwhile are read from /proc.
 */
async function runCase(setup: Setup, scaleCase: ScaleCase): Promise<ScaleSample> {
  const { command, targets, parallel } = scaleCase;
  for (const target of setup.fleet.targets) target.reset();
  await waitForQuiet(cpus().length);
  const config = setup.configs.get(targets);
  const args =
    config === undefined
      ? command.args(setup.warFile)
      : ['--config', config.configFile, '--parallel', String(parallel), ...command.args(setup.warFile)];
  const before = await cpuNow();
  const spawnedAt = performance.now();
  const run = assertSucceeded(
    await runCli(args, { env: config?.env ?? cliEnv(), cwd: setup.dir }),
    `tomcat-pd ${caseName(scaleCase)}`,
  );
  const after = await cpuNow();
  if (run.peakRssKb === undefined) throw new Error(`${caseName(scaleCase)}: no peak RSS reported`);
  if (config !== undefined) checkDocument(run.stdout, targets, caseName(scaleCase));
  const seen = seenRun(setup.fleet.targets.slice(0, targets), spawnedAt, run.wallMs);
  const cliCpuMs = (after.cli - before.cli) * 1000;
  const standInCpuMs = (after.self - before.self) * 1000;
  const busyMs = cpuTimesSince(before.machine, after.machine).busy * 1000;
  return {
    ...seen,
    wallMs: run.wallMs,
    peakRssKb: run.peakRssKb,
    cliCpuMs,
    standInCpuMs,
    otherShare: Math.max(0, busyMs - cliCpuMs - standInCpuMs) / (run.wallMs * cpus().length),
  };
}

/** The JSON document must parse and name every target (a run that skipped some measures less). */
function checkDocument(stdout: string, targets: number, what: string): void {
  JSON.parse(stdout);
  for (let i = 1; i <= targets; i++) {
    if (!stdout.includes(`"t${i}"`)) throw new Error(`${what}: target t${i} is missing from the JSON`);
  }
}

/** The bare client on the targets and parallelism of each `status` case. */
function bareVariants(setup: Setup, measured: readonly ScaleCase[]): Variant<SeenRun>[] {
  return measured
    .filter((each) => each.command.name === 'status')
    .map(({ targets, parallel }) => ({
      name: bareName(targets, parallel),
      measure: async () => {
        for (const target of setup.fleet.targets) target.reset();
        await waitForQuiet(cpus().length);
        return runBareClient(setup.fleet.targets.slice(0, targets), parallel);
      },
    }));
}

const variantOf = (setup: Setup, scaleCase: ScaleCase): Variant<ScaleSample> => ({
  name: caseName(scaleCase),
  measure: () => runCase(setup, scaleCase),
});

/**
 * The zero-latency cases: start-up, each command on one target (its fixed cost; U(1) for the
 * deploy), the deploy to as many targets as `--parallel` uploads at once (one round, and the
 * memory of that many uploads), and each command on the most targets (the CLI's own work at
 * scale; for the deploy the sustained upload rate u of the floor). A case named twice runs once.
 */
function calibrationCases(targetCounts: readonly number[]): ScaleCase[] {
  const deploy = COMMANDS.find((command) => command.uploads)!;
  const most = Math.max(...targetCounts);
  const cases = [
    { command: VERSION, targets: 0, parallel: 0 },
    ...COMMANDS.map((command) => ({ command, targets: 1, parallel: 1 })),
    ...PARALLELS.filter((parallel) => parallel <= most).map((parallel) => ({
      command: deploy,
      targets: parallel,
      parallel,
    })),
    ...PARALLELS.flatMap((parallel) => COMMANDS.map((command) => ({ command, targets: most, parallel }))),
  ];
  return cases.filter((each, i) => cases.findIndex((other) => caseName(other) === caseName(each)) === i);
}

function measuredCases(targetCounts: readonly number[]): ScaleCase[] {
  return targetCounts.flatMap((targets) =>
    PARALLELS.flatMap((parallel) => COMMANDS.map((command) => ({ command, targets, parallel }))),
  );
}

export async function benchScale(options: ScaleBenchOptions): Promise<Section> {
  const { targetCounts, latencyMs, runs, log } = options;
  const most = Math.max(...targetCounts);
  return withTempDir('scale', async (dir) => {
    log(`  starting ${most} stand-in Managers ...`);
    const fleet = await startStandIns(most, 0);
    try {
      const calibration = calibrationCases(targetCounts);
      const measured = measuredCases(targetCounts);
      const counts = new Set([...calibration, ...measured].map((each) => each.targets).filter((n) => n > 0));
      const configs = new Map<number, TargetsConfig>();
      for (const n of counts) {
        configs.set(n, await writeTargetsConfig(dir, `scale-${n}.json`, fleet.targets.slice(0, n)));
      }
      const warFile = await buildLargeWar(dir, Math.round(options.sizeMb * 1024 * 1024), 'scale');
      const setup: Setup = { fleet, configs, warFile, dir };
      const calibrationRuns = Math.max(runs, CALIBRATION_RUNS);
      log(`  zero latency: ${calibration.length} cases`);
      const zero = await runInterleaved(
        calibration.map((each) => variantOf(setup, each)),
        { runs: calibrationRuns, warmUp: true, log },
      );
      fleet.setLatency(latencyMs);
      log(`  ${latencyMs} ms latency: ${measured.length} cases`);
      const slow = await runInterleaved(
        measured.map((each) => variantOf(setup, each)),
        { runs, warmUp: true, log },
      );
      log(`  ${latencyMs} ms latency: the bare node:http client`);
      const bare = await runInterleaved(bareVariants(setup, measured), { runs, warmUp: true, log });
      return scaleSection({ ...options, calibrationRuns, calibration, measured, zero, slow, bare });
    } finally {
      await fleet.close();
    }
  });
}
