/**
 * The benchmark suite of issues 6, 11, 12, 13 and 14: `pnpm bench
 * [--only deploy,memory,requests,fleet,startup,probe,scale,check,serve,soak] [--runs N] [--size-mb MB]
 * [--fleet-size-mb MB] [--scale-targets LIST] [--scale-latency-ms MS] [--scale-size-mb MB]
 * [--serve-minutes M] [--soak-minutes M]`. Everything runs against local Tomcats started here (test/harness), the
 * scale benchmark against stand-in Managers (lib/stand-in-manager.ts); each table is printed when
 * its benchmark ends, and bench/RESULTS.md is written at the end (see lib/results.ts for how
 * --only keeps the others).
 */
import { parseArgs } from 'node:util';
import { benchDeployAndMemory } from './deploy-vs-curl.js';
import { benchFleet } from './fleet.js';
import { describeMachine } from './lib/machine.js';
import { renderSection, saveSection, writeResults } from './lib/results.js';
import type { RunInfo, Section } from './lib/results.js';
import { benchRequests } from './requests.js';
import { benchSoak } from './soak.js';
import { benchStartup } from './startup.js';
import { benchProbe } from './probe.js';
import { benchScale } from './scale.js';
import { benchCheck } from './check.js';
import { benchServe } from './serve.js';

/** In the order they run; the soak last, as it takes longest and ends the run. */
const BENCHMARKS = [
  'deploy',
  'memory',
  'requests',
  'fleet',
  'startup',
  'probe',
  'scale',
  'check',
  'serve',
  'soak',
] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const USAGE = `pnpm bench [options]   (or: npx tsx bench/run.ts [options], after pnpm build)
  --only LIST             benchmarks to run, comma-separated, in this order: ${BENCHMARKS.join(',')} (default: all)
  --runs N                runs of each deploy/memory/fleet/scale variant (default 7; start-up always runs 20)
  --size-mb MB            the big WAR of deploy and memory (default 300)
  --fleet-size-mb MB      the WAR of the fleet benchmark (default 10)
  --scale-targets LIST    stand-in Managers of the scale benchmark, comma-separated counts (default 10,50,200)
  --scale-latency-ms MS   how long each stand-in takes to answer (default 20)
  --scale-size-mb MB      the WAR the scale benchmark deploys to every target (default 10)
  --serve-minutes M       how long serve runs over 20 stand-ins for its RSS (default 2; 60 for the hour); then half as long (at least 5) with a forced GC
  --soak-minutes M        how long drain --every runs (default 10); then half as long (at least 1) with a forced GC
Prints each table when its benchmark ends and writes bench/RESULTS.md.`;

interface Settings {
  only: Set<BenchmarkName>;
  runs: number;
  sizeMb: number;
  fleetSizeMb: number;
  scaleTargets: number[];
  scaleLatencyMs: number;
  scaleSizeMb: number;
  serveMinutes: number;
  soakMinutes: number;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', default: BENCHMARKS.join(',') },
      runs: { type: 'string', default: '7' },
      'size-mb': { type: 'string', default: '300' },
      'fleet-size-mb': { type: 'string', default: '10' },
      'scale-targets': { type: 'string', default: '10,50,200' },
      'scale-latency-ms': { type: 'string', default: '20' },
      'scale-size-mb': { type: 'string', default: '10' },
      'serve-minutes': { type: 'string', default: '2' },
      'soak-minutes': { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set<BenchmarkName>();
  for (const name of values.only.split(',').map((s) => s.trim())) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown benchmark "${name}" (one of ${BENCHMARKS.join(', ')})`);
    }
    only.add(name as BenchmarkName);
  }
  return {
    only,
    runs: positive(values.runs, '--runs', true),
    sizeMb: positive(values['size-mb'], '--size-mb'),
    fleetSizeMb: positive(values['fleet-size-mb'], '--fleet-size-mb'),
    scaleTargets: targetCounts(values['scale-targets']),
    scaleLatencyMs: nonNegative(values['scale-latency-ms'], '--scale-latency-ms'),
    scaleSizeMb: positive(values['scale-size-mb'], '--scale-size-mb'),
    serveMinutes: positive(values['serve-minutes'], '--serve-minutes'),
    soakMinutes: positive(values['soak-minutes'], '--soak-minutes'),
  };
}

function positive(text: string, flag: string, integer = false): number {
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} takes a positive ${integer ? 'whole ' : ''}number, not "${text}"`);
  }
  return value;
}

function nonNegative(text: string, flag: string): number {
  const value = Number(text);
  if (!(value >= 0) || text.trim() === '') throw new Error(`${flag} takes a number >= 0, not "${text}"`);
  return value;
}

/** `10,50,200`: whole numbers, sorted ascending, each once. */
function targetCounts(text: string): number[] {
  const counts = text.split(',').map((part) => positive(part.trim(), '--scale-targets', true));
  return [...new Set(counts)].sort((a, b) => a - b);
}

/** The command as the user typed it (an argument with a space or quote is quoted again). */
function commandLine(argv: string[]): string {
  const quote = (arg: string) => (/^[\w./,=:-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
  const program = process.env.npm_lifecycle_event === 'bench' ? 'pnpm bench' : 'npx tsx bench/run.ts';
  return [program, ...argv.map(quote)].join(' ');
}

/** Benchmarks that share their set-up run as one job (deploy and memory: the same uploads). */
interface Job {
  names: readonly BenchmarkName[];
  run: () => Promise<Section[]>;
}

function jobs(settings: Settings, log: (line: string) => void): Job[] {
  const { only, runs } = settings;
  const one = async (section: Promise<Section>) => [await section];
  return [
    {
      names: ['deploy', 'memory'],
      run: () =>
        benchDeployAndMemory({
          withCurl: only.has('deploy'),
          withMemory: only.has('memory'),
          runs,
          sizeMb: settings.sizeMb,
          log,
        }),
    },
    { names: ['requests'], run: () => one(benchRequests(log)) },
    { names: ['fleet'], run: () => one(benchFleet({ runs, sizeMb: settings.fleetSizeMb, log })) },
    { names: ['startup'], run: () => one(benchStartup(log)) },
    { names: ['probe'], run: () => one(benchProbe({ runs, log })) },
    {
      names: ['scale'],
      run: () =>
        one(
          benchScale({
            runs,
            targetCounts: settings.scaleTargets,
            latencyMs: settings.scaleLatencyMs,
            sizeMb: settings.scaleSizeMb,
            log,
          }),
        ),
    },
    { names: ['check'], run: () => one(benchCheck({ runs, log })) },
    { names: ['serve'], run: () => benchServe({ runs, log, minutes: settings.serveMinutes }) },
    { names: ['soak'], run: () => one(benchSoak({ minutes: settings.soakMinutes, log })) },
  ];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const settings = parseSettings(argv);
  const run: RunInfo = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    command: commandLine(argv),
  };
  const log = (line: string) => console.error(line);
  log('Reading the machine (and serverinfo of a local Tomcat) ...');
  const machine = await describeMachine();
  for (const job of jobs(settings, log)) {
    if (!job.names.some((name) => settings.only.has(name))) continue;
    log(`\n== ${job.names.filter((name) => settings.only.has(name)).join(' + ')}`);
    let sections: Section[];
    try {
      sections = await job.run();
    } catch (error) {
      // The other benchmarks still run and RESULTS.md keeps this one's previous section.
      console.error(`benchmark ${job.names.join('/')} failed:`, error);
      process.exitCode = 1;
      continue;
    }
    for (const section of sections) {
      console.log(`\n${renderSection(section, run)}`);
      await saveSection(section, run);
    }
  }
  const file = await writeResults(BENCHMARKS, run, machine);
  log(`\nWrote ${file}`);
}

await main();
