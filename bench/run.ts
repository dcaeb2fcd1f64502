/**
 * `pnpm bench [--only LIST] [--runs N] ...`: runs the benchmarks one after the other, prints one
 * table for each and writes its figures to bench/results/<name>.json (lib/record.ts). What the
 * figures mean is written by hand in bench/RESULTS.md; nothing here judges them.
 */
import { parseArgs } from 'node:util';
import { benchCheck } from './check.js';
import { benchDeploy } from './deploy.js';
import { benchFleet } from './fleet.js';
import { benchLbStatus } from './lb-status.js';
import { benchLock } from './lock.js';
import { describeMachine } from './lib/machine.js';
import { saveRecord, type Benchmark, type RunInfo, type Settings, type Table } from './lib/record.js';
import { benchProbe } from './probe.js';
import { benchRequests } from './requests.js';
import { benchScale } from './scale.js';
import { benchServe } from './serve.js';
import { benchSoak } from './soak.js';
import { benchSshTunnel } from './ssh-tunnel.js';
import { benchStartup } from './startup.js';
import { benchStatusPage } from './status-page.js';
import { benchZeroDowntime } from './zero-downtime.js';

/** In the order they run: the four of issue 19's item 11 first, the long soak last. */
const BENCHMARKS: Record<string, Benchmark> = {
  startup: benchStartup,
  deploy: benchDeploy,
  check: benchCheck,
  scale: benchScale,
  requests: benchRequests,
  fleet: benchFleet,
  probe: benchProbe,
  'status-page': benchStatusPage,
  'lb-status': benchLbStatus,
  lock: benchLock,
  'ssh-tunnel': benchSshTunnel,
  'zero-downtime': benchZeroDowntime,
  serve: benchServe,
  soak: benchSoak,
};
const NAMES = Object.keys(BENCHMARKS);

const USAGE = `pnpm bench [options]   (or: npx tsx bench/run.ts [options], after pnpm build)
  --only LIST             benchmarks to run, comma-separated: ${NAMES.join(',')} (default: all)
  --runs N                interleaved runs of each variant (default 7; startup: at least 20)
  --size-mb MB            deploy, ssh-tunnel: the WAR uploaded (default 300)
  --fleet-size-mb MB      fleet: the WAR deployed to 1, 4 and 8 Tomcats (default 10)
  --scale-targets LIST    scale: stand-in Managers, comma-separated counts (default 10,50,200)
  --scale-latency-ms MS   scale: how long each stand-in takes to answer (default 20)
  --scale-size-mb MB      scale: the WAR deployed to every stand-in (default 10)
  --status-versions N     status-page: resident versions on the Tomcat (default 100)
  --serve-minutes M       serve: the RSS run (default 2); then half as long (at least 5) with a forced GC
  --soak-minutes M        soak: drain --every 1s (default 10); then half as long (at least 1) with a forced GC
Prints a table per benchmark and writes bench/results/<name>.json.`;

function positive(text: string, flag: string, integer = false): number {
  const value = Number(text);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} takes a positive ${integer ? 'whole ' : ''}number, not "${text}"`);
  }
  return value;
}

function parseSettings(argv: string[]): { only: string[]; settings: Settings } {
  const option = (value: string) => ({ type: 'string' as const, default: value });
  const { values } = parseArgs({
    args: argv,
    options: {
      only: option(NAMES.join(',')),
      runs: option('7'),
      'size-mb': option('300'),
      'fleet-size-mb': option('10'),
      'scale-targets': option('10,50,200'),
      'scale-latency-ms': option('20'),
      'scale-size-mb': option('10'),
      'status-versions': option('100'),
      'serve-minutes': option('2'),
      'soak-minutes': option('10'),
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = values.only.split(',').map((name) => name.trim());
  const unknown = only.filter((name) => !NAMES.includes(name));
  if (unknown.length > 0)
    throw new Error(`--only: unknown ${unknown.join(', ')} (one of ${NAMES.join(', ')})`);
  const counts = values['scale-targets']
    .split(',')
    .map((part) => positive(part.trim(), '--scale-targets', true));
  const latency = Number(values['scale-latency-ms']);
  if (!(latency >= 0)) throw new Error(`--scale-latency-ms takes a number >= 0`);
  return {
    only: NAMES.filter((name) => only.includes(name)),
    settings: {
      runs: positive(values.runs, '--runs', true),
      sizeMb: positive(values['size-mb'], '--size-mb'),
      fleetSizeMb: positive(values['fleet-size-mb'], '--fleet-size-mb'),
      scaleTargets: [...new Set(counts)].sort((a, b) => a - b),
      scaleLatencyMs: latency,
      scaleSizeMb: positive(values['scale-size-mb'], '--scale-size-mb'),
      statusVersions: positive(values['status-versions'], '--status-versions', true),
      serveMinutes: positive(values['serve-minutes'], '--serve-minutes'),
      soakMinutes: positive(values['soak-minutes'], '--soak-minutes'),
    },
  };
}

/** The table without its empty cells: console.table would print them as `undefined`. */
function withoutGaps(table: Table): Table {
  const cells = (row: Table[string]) => Object.entries(row).filter(([, value]) => value !== undefined);
  return Object.fromEntries(
    Object.entries(table).map(([label, row]) => [label, Object.fromEntries(cells(row))]),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { only, settings } = parseSettings(argv);
  const program = process.env.npm_lifecycle_event === 'bench' ? 'pnpm bench' : 'npx tsx bench/run.ts';
  const run: RunInfo = {
    date: new Date().toISOString(),
    command: [program, ...argv].join(' '),
    machine: await describeMachine(),
    settings,
  };
  const log = (line: string) => console.error(line);
  for (const name of only) {
    log(`\n== ${name}`);
    try {
      const measured = await BENCHMARKS[name]!(settings, log);
      console.log(`\n${name}`);
      console.table(withoutGaps(measured.table));
      log(`wrote ${await saveRecord(name, run, measured)}`);
    } catch (error) {
      // The other benchmarks still run; this one's previous record stays as it was.
      console.error(`benchmark ${name} failed:`, error);
      process.exitCode = 1;
    }
  }
}

await main();
