/**
 * The report of the scale benchmark (../scale.ts): the latency floor of each case, wall time and
 * peak RSS against it, where the time went (before, during and after the requests), what each
 * more round and each more target costs, and the zero-latency runs the floor and the allowance
 * come from.
 */
import { cpus } from 'node:os';
import { SUMMARY_HEADERS, markdownTable, megabytes, ms, ratio, summaryCells, verdict } from './markdown.js';
import type { Cell } from './markdown.js';
import type { Section } from './results.js';
import type { SeenRun } from '@tomcat-pd/testkit/stand-in-manager-requests';
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

/** A CLI command of the benchmark; `args` gets the WAR file. */
export interface ScaleCommand {
  name: string;
  args: (warFile: string) => string[];
  /** The deploy: its floor includes the uploads. */
  uploads: boolean;
}

/** One command on the first `targets` stand-ins, `parallel` at a time (0 targets: no config). */
export interface ScaleCase {
  command: ScaleCommand;
  targets: number;
  parallel: number;
}

export interface ScaleSample extends SeenRun {
  wallMs: number;
  peakRssKb: number;
  /** user + system CPU of the CLI process (/proc, 10 ms ticks). */
  cliCpuMs: number;
  /** Of the benchmark process, which runs the stand-ins. */
  standInCpuMs: number;
  /** The machine's busy time besides those two, as a share of all cores over the wall time. */
  otherShare: number;
}

export interface ScaleResults {
  runs: number;
  /** Runs of each zero-latency case (more: the floor takes their fastest). */
  calibrationRuns: number;
  targetCounts: readonly number[];
  latencyMs: number;
  sizeMb: number;
  /** Zero latency: start-up, one target, the uploads of a round, the most targets. */
  calibration: readonly ScaleCase[];
  /** At `latencyMs`. */
  measured: readonly ScaleCase[];
  zero: Map<string, ScaleSample[]>;
  slow: Map<string, ScaleSample[]>;
  /** The bare node:http client at `latencyMs`, by {@link bareName}. */
  bare: Map<string, SeenRun[]>;
}

/** The bare client's runs against `targets` with `parallel` at once (lib/bare-client.ts). */
export const bareName = (targets: number, parallel: number): string =>
  `bare node:http, ${targets} targets, ${parallel} at once`;

/** The issue's target: at most 10% over the floor (plus the start-up allowance). */
const FLOOR_MARGIN = 1.1;
const RSS_LIMIT_KB = 100 * 1024;
const RSS_AT_TARGETS = 200;

export const caseName = ({ command, targets, parallel }: ScaleCase): string =>
  targets === 0
    ? `tomcat-pd ${command.name}`
    : `${command.name}, ${targets} target${targets === 1 ? '' : 's'}, --parallel ${parallel}`;

/** How many rounds `targets` take at `parallel` at a time (the last one may be smaller). */
const roundsOf = (targets: number, parallel: number) => Math.ceil(targets / parallel);

/** One case's runs, summarized. */
interface Row {
  scaleCase: ScaleCase;
  wall: Summary;
  peakRssKb: number;
  counts: string;
  depth: number;
  beforeMs: number;
  requestsMs: number;
  afterMs: number;
  answerMs: number | undefined;
  uploadMs: number | undefined;
  /** The fastest of the runs: first upload's arrival to the last upload's answer. */
  uploadRoundMs: number | undefined;
  cliCpuMs: number;
  standInCpuMs: number;
  otherShare: number;
}

function known(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

const medianOf = (values: readonly (number | undefined)[]): number | undefined => {
  const numbers = known(values);
  return numbers.length === 0 ? undefined : summarize(numbers).median;
};

const minOf = (values: readonly (number | undefined)[]): number | undefined => {
  const numbers = known(values);
  return numbers.length === 0 ? undefined : Math.min(...numbers);
};

function rowOf(scaleCase: ScaleCase, samples: readonly ScaleSample[] | undefined): Row {
  if (samples === undefined || samples.length === 0) throw new Error(`no runs of ${caseName(scaleCase)}`);
  return {
    scaleCase,
    wall: summarize(samples.map((sample) => sample.wallMs)),
    peakRssKb: Math.max(...samples.map((sample) => sample.peakRssKb)),
    counts: [...new Set(samples.map((sample) => sample.counts))].join(' / '),
    depth: Math.max(...samples.map((sample) => sample.depth)),
    beforeMs: medianOf(samples.map((sample) => sample.beforeMs))!,
    requestsMs: medianOf(samples.map((sample) => sample.requestsMs))!,
    afterMs: medianOf(samples.map((sample) => sample.afterMs))!,
    answerMs: medianOf(samples.map((sample) => sample.answerMs)),
    uploadMs: medianOf(samples.map((sample) => sample.uploadMs)),
    uploadRoundMs: minOf(samples.map((sample) => sample.uploadSpanMs)),
    cliCpuMs: medianOf(samples.map((sample) => sample.cliCpuMs))!,
    standInCpuMs: medianOf(samples.map((sample) => sample.standInCpuMs))!,
    otherShare: medianOf(samples.map((sample) => sample.otherShare))!,
  };
}

/** `wall / floor`, or a dash for a floor of 0 (no latency, no upload). */
const overFloor = (value: number, floorMs: number) => (floorMs > 0 ? ratio(value / floorMs) : '–');

const optionalMs = (value: number | undefined) => (value === undefined ? '' : ms(value));

const perTarget = (value: number) => `${value.toFixed(2)} ms`;

/** What the zero-latency runs give the floor: the allowance and the upload times. */
interface Calibration {
  startUpMs: number;
  /** U(1): one upload alone in a fresh CLI, the fastest run (reported; not a floor term). */
  singleUploadMs: number;
  /**
   * u by --parallel: the time per upload the loopback sustained at zero latency on the most
   * targets with that --parallel (first upload's arrival to last answer, over the targets; the
   * fastest run).
   */
  sustainedUploadMs: Map<number, number>;
}

function calibrate(zeroRows: readonly Row[]): Calibration {
  const most = Math.max(...zeroRows.map((row) => row.scaleCase.targets));
  const deploys = zeroRows.filter((row) => row.scaleCase.command.uploads && row.uploadRoundMs !== undefined);
  const single = deploys.find((row) => row.scaleCase.targets === 1);
  if (single === undefined) throw new Error('no zero-latency deploy to one target');
  return {
    startUpMs: zeroRows.find((row) => row.scaleCase.targets === 0)!.wall.median,
    singleUploadMs: single.uploadRoundMs!,
    sustainedUploadMs: new Map(
      deploys
        .filter((row) => row.scaleCase.targets === most)
        .sort((a, b) => a.scaleCase.parallel - b.scaleCase.parallel)
        .map((row) => [row.scaleCase.parallel, row.uploadRoundMs! / most]),
    ),
  };
}

/** The floor of a case, and which bound set it. */
interface Floor {
  floorMs: number;
  setBy: string;
}

/**
 * The least time a case can take. Latency: some worker takes ⌈N/P⌉ targets one after the
 * other, each k latencies. The deploy lists every target first (⌈N/P⌉ × L, no upload yet), then
 * uploads and lists again, so a second bound holds: the first phase, all N uploads at the
 * sustained zero-latency rate u of the same --parallel, then the last upload's answer and list
 * ((k − 1) × L). The higher bound is the floor.
 */
function floorOf(row: Row, latencyMs: number, calibration: Calibration): Floor {
  const { command, targets, parallel } = row.scaleCase;
  const rounds = roundsOf(targets, parallel);
  const latencies = rounds * row.depth * latencyMs;
  if (!command.uploads) return { floorMs: latencies, setBy: 'latency' };
  const perUpload =
    calibration.sustainedUploadMs.get(parallel) ?? Math.min(...calibration.sustainedUploadMs.values());
  const uploads = rounds * latencyMs + targets * perUpload + (row.depth - 1) * latencyMs;
  return latencies >= uploads
    ? { floorMs: latencies, setBy: 'latency' }
    : { floorMs: uploads, setBy: 'upload rate' };
}

/** The floor of a case and how it is judged. */
interface Judged extends Row, Floor {
  limitMs: number;
  met: boolean;
}

export function scaleSection(results: ScaleResults): Section {
  const { latencyMs } = results;
  const zeroRows = results.calibration.map((each) => rowOf(each, results.zero.get(caseName(each))));
  const calibration = calibrate(zeroRows);
  const judged: Judged[] = results.measured.map((each) => {
    const row = rowOf(each, results.slow.get(caseName(each)));
    const floor = floorOf(row, latencyMs, calibration);
    const limitMs = FLOOR_MARGIN * floor.floorMs + calibration.startUpMs;
    return { ...row, ...floor, limitMs, met: row.wall.median <= limitMs };
  });
  const body = [
    intro(results, calibration),
    '',
    mainTable(judged),
    '',
    ...verdicts(judged, calibration),
    '### Where the time goes',
    '',
    `Medians of the same runs. Spawn → 1st request: from spawning the CLI to the first request's arrival at any stand-in (Node and CLI start-up, reading the config, setting up the clients). 1st request → last answer: while requests were out, against the floor. Last answer → exit: rendering the JSON and exiting. Stand-in answer: the mean time from a request's arrival to the end of its answer (the set latency is ${ms(latencyMs)}). Upload: the same for a \`PUT deploy\`, the ${results.sizeMb} MB body and the latency included. CLI CPU: user + system time of the CLI process; stand-ins CPU: of the benchmark process meanwhile; other load: the machine's busy time besides those two, as a share of all ${cpus().length} cores over the run (other processes on the machine; /proc/stat, 10 ms ticks).`,
    '',
    timeTable(judged),
    '',
    ...perRound(judged, results.targetCounts),
    ...bareClient(judged, results.bare),
    ...perTargetCosts(judged, zeroRows, results.targetCounts, latencyMs),
    '### Zero latency',
    '',
    `The same stand-ins answering at once, ${results.calibrationRuns} interleaved runs each after a warm-up: the start-up allowance (\`tomcat-pd --version\`), each command on one target (U(1): the upload of the deploy there), the deploy to c targets with \`--parallel c\` (the uploads of one round, and the peak RSS of c uploads at once), and each command on the most targets. "Upload round": from the first upload's arrival to the last upload's answer, **the fastest run** (the floor is the least time, and other work on the machine only ever adds to a run); on the most targets, divided by the targets, it is u of the upload floor.`,
    '',
    zeroTable(zeroRows),
    '',
    ...findings(judged, zeroRows, calibration, latencyMs, results.sizeMb),
  ].join('\n');
  return {
    name: 'scale',
    title: `8. Scale: ${listOf(results.targetCounts)} stand-in Managers at ${latencyMs} ms`,
    body,
  };
}

function listOf(values: readonly number[]): string {
  return values.length === 1 ? String(values[0]) : `${values.slice(0, -1).join(', ')} and ${values.at(-1)}`;
}

function intro(results: ScaleResults, calibration: Calibration): string {
  const { latencyMs, sizeMb, runs } = results;
  return [
    `\`tomcat-pd --config FILE --parallel P COMMAND --json\` against N stand-in Managers (bench/lib/stand-in-manager.ts): N node:http servers in the benchmark process, each on its own port of 127.0.0.1, answering Basic-auth'd requests with the texts recorded on Tomcat 10.1.60 in packages/core/test/fixtures (\`list\`: \`list-mixed.txt\`, /app with four versions, two of them draining; the status page: \`status/status-all-10.1.json\`; \`deploy\`: \`deploy-ok.txt\`), ${latencyMs} ms after each request has arrived in full. The deploy uploads a ${sizeMb} MB WAR to \`/scale\` (version 001 everywhere; before every run each stand-in forgets what was deployed, untimed). ${runs} interleaved runs of each case after a warm-up round, each on a quiet machine (lib/settle.ts); peak RSS: the CLI process's VmHWM, the highest of the runs.`,
    '',
    `**Latency floor**: the targets go in ⌈N/P⌉ rounds of P; a round costs k × ${latencyMs} ms, k = the requests each target makes one after the other (counted by the stand-ins: "requests per target", k in brackets). The deploy also uploads ${sizeMb} MB to each target, and its floor is the higher of that and an **upload floor**: the first phase's lists (⌈N/P⌉ × ${latencyMs} ms, before any upload), all N uploads at u, the time per upload the loopback sustained at zero latency on the most targets with the same --parallel (${[...calibration.sustainedUploadMs].map(([parallel, perUpload]) => `${ms(perUpload)} with --parallel ${parallel}`).join(', ')}; table "Zero latency"), then the last upload's answer and list. **Limit** = ${FLOOR_MARGIN.toFixed(2)} × floor + ${ms(calibration.startUpMs)}: the issue allows 10% over the floor, and the floor has no start-up in it, so the median \`tomcat-pd --version\` (measured here the same way) is allowed on top. Wall / floor is the raw ratio, start-up included.`,
  ].join('\n');
}

function mainTable(judged: readonly Judged[]): string {
  return markdownTable(
    [
      'command',
      'targets',
      '--parallel',
      'requests per target (in sequence)',
      'floor',
      'floor set by',
      ...SUMMARY_HEADERS,
      'wall / floor',
      `limit`,
      'target',
      'peak RSS',
    ],
    judged.map((row) => [
      `\`${row.scaleCase.command.name}\``,
      row.scaleCase.targets,
      row.scaleCase.parallel,
      `${row.counts} (${row.depth})`,
      ms(row.floorMs),
      row.setBy,
      ...summaryCells(row.wall, ms),
      overFloor(row.wall.median, row.floorMs),
      ms(row.limitMs),
      verdict(row.met),
      megabytes(row.peakRssKb),
    ]),
  );
}

function verdicts(judged: readonly Judged[], calibration: Calibration): string[] {
  const missed = judged.filter((row) => !row.met);
  const rssRows = judged.filter((row) => row.scaleCase.targets === RSS_AT_TARGETS);
  const over = rssRows.filter((row) => row.peakRssKb > RSS_LIMIT_KB);
  const rssPeak = rssRows.length === 0 ? undefined : Math.max(...rssRows.map((row) => row.peakRssKb));
  const rss =
    rssPeak === undefined
      ? `not measured (no run with ${RSS_AT_TARGETS} targets)`
      : `highest ${megabytes(rssPeak)}, **${verdict(over.length === 0)}**` +
        (over.length === 0
          ? ''
          : ` (over: ${over.map((row) => `${caseName(row.scaleCase)} ${megabytes(row.peakRssKb)}`).join('; ')})`);
  return [
    `Target, wall time (medians): at most ${Math.round((FLOOR_MARGIN - 1) * 100)}% over the latency floor, plus the start-up allowance of ${ms(calibration.startUpMs)}: ` +
      `${judged.length - missed.length} of ${judged.length} cases met, **${verdict(missed.length === 0)}**` +
      (missed.length === 0
        ? '.'
        : `; not met: ${missed.map((row) => `${caseName(row.scaleCase)} (${overFloor(row.wall.median, row.floorMs)})`).join('; ')}.`),
    '',
    `Target, peak RSS at ${RSS_AT_TARGETS} targets, every command and --parallel: at most ${megabytes(RSS_LIMIT_KB)}: ${rss}.`,
    '',
  ];
}

function timeTable(judged: readonly Judged[]): string {
  return markdownTable(
    [
      'command',
      'targets',
      '--parallel',
      'spawn → 1st request',
      '1st request → last answer',
      'floor',
      'over the floor',
      'last answer → exit',
      'stand-in answer',
      'upload',
      'CLI CPU',
      'stand-ins CPU',
      'other load',
    ],
    judged.map((row) => [
      `\`${row.scaleCase.command.name}\``,
      row.scaleCase.targets,
      row.scaleCase.parallel,
      ms(row.beforeMs),
      ms(row.requestsMs),
      ms(row.floorMs),
      row.floorMs > 0 ? `${(((row.requestsMs - row.floorMs) / row.floorMs) * 100).toFixed(0)}%` : '–',
      ms(row.afterMs),
      optionalMs(row.answerMs),
      optionalMs(row.uploadMs),
      ms(row.cliCpuMs),
      ms(row.standInCpuMs),
      percent(row.otherShare),
    ]),
  );
}

const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

/** The same case at the fewest and the most targets, for differences. */
function pairs(judged: readonly Judged[], targetCounts: readonly number[]): { low: Judged; high: Judged }[] {
  const fewest = Math.min(...targetCounts);
  const most = Math.max(...targetCounts);
  if (fewest === most) return [];
  return judged
    .filter((row) => row.scaleCase.targets === most)
    .flatMap((high) => {
      const low = judged.find(
        (row) =>
          row.scaleCase.targets === fewest &&
          row.scaleCase.command === high.scaleCase.command &&
          row.scaleCase.parallel === high.scaleCase.parallel,
      );
      return low === undefined ? [] : [{ low, high }];
    });
}

/**
 * The cost of one more round, from the fewest to the most targets: the difference of the wall
 * times over the difference of the rounds, against the same of the floors. Fixed costs (start-up,
 * config, one JSON document) cancel out; what is left is what each round of targets adds.
 */
function perRound(judged: readonly Judged[], targetCounts: readonly number[]): string[] {
  const rows: Cell[][] = [];
  for (const { low, high } of pairs(judged, targetCounts)) {
    const { command, parallel } = high.scaleCase;
    const rounds = roundsOf(high.scaleCase.targets, parallel) - roundsOf(low.scaleCase.targets, parallel);
    if (rounds === 0) continue;
    const measured = (high.wall.median - low.wall.median) / rounds;
    const floor = (high.floorMs - low.floorMs) / rounds;
    rows.push([
      `\`${command.name}\``,
      parallel,
      `${low.scaleCase.targets} → ${high.scaleCase.targets} targets: ${rounds} more`,
      ms(measured),
      ms(floor),
      overFloor(measured, floor),
    ]);
  }
  if (rows.length === 0) return [];
  return [
    '### Cost of one more round',
    '',
    '(median wall at the most targets − at the fewest) / the rounds added, against the same of the floor: start-up and the other fixed costs cancel out; what is left is what each round of targets adds, and a ratio near 1 is growth linear in targets / parallel at the floor rate.',
    '',
    markdownTable(
      ['command', '--parallel', 'rounds', 'measured per round', 'floor per round', 'ratio'],
      rows,
    ),
    '',
  ];
}

/**
 * `status` against the bare node:http client on the same stand-ins: the request phase of each,
 * as the stand-ins saw it. What the CLI adds to Node's own cost of the requests, and how far even
 * the bare client is from the latency floor on this machine.
 */
function bareClient(judged: readonly Judged[], bare: Map<string, SeenRun[]>): string[] {
  const rows: Cell[][] = [];
  let within = 0;
  for (const row of judged) {
    const { command, targets, parallel } = row.scaleCase;
    const samples = bare.get(bareName(targets, parallel));
    if (command.name !== 'status' || samples === undefined) continue;
    const bareMs = medianOf(samples.map((sample) => sample.requestsMs))!;
    if (row.requestsMs <= FLOOR_MARGIN * bareMs) within++;
    rows.push([
      targets,
      parallel,
      ms(row.floorMs),
      ms(bareMs),
      overFloor(bareMs, row.floorMs),
      ms(row.requestsMs),
      overFloor(row.requestsMs, bareMs),
    ]);
  }
  if (rows.length === 0) return [];
  return [
    '### The same requests from a bare node:http client',
    '',
    "A child process that only GETs `list` from each target with bare `node:http`, as many at once, and does nothing else (lib/bare-client.ts), interleaved runs at the same latency: the least any Node.js client can do here. Its request phase (1st request → last answer, as the stand-ins saw it) against the latency floor, and `status`'s against it.",
    '',
    markdownTable(
      ['targets', '--parallel', 'floor', 'bare client', 'bare / floor', '`status`', '`status` / bare'],
      rows,
    ),
    '',
    `\`status\`'s request phase at most 10% over the bare client's: ${within} of ${rows.length} cases, **${verdict(within === rows.length)}**.`,
    '',
  ];
}

/**
 * What each more target costs the CLI, from the fewest to the most targets, outside the
 * latency: set-up before the first request, rendering after the last answer, and, at zero
 * latency, all of its work per target; against a round's latency, the share of one round.
 */
function perTargetCosts(
  judged: readonly Judged[],
  zeroRows: readonly Row[],
  targetCounts: readonly number[],
  latencyMs: number,
): string[] {
  const rows: Cell[][] = [];
  for (const { low, high } of pairs(judged, targetCounts)) {
    const { command, parallel, targets } = high.scaleCase;
    if (command.uploads) continue;
    const more = targets - low.scaleCase.targets;
    const one = zeroRows.find((row) => row.scaleCase.command === command && row.scaleCase.targets === 1);
    const many = zeroRows.find(
      (row) =>
        row.scaleCase.command === command &&
        row.scaleCase.targets === targets &&
        row.scaleCase.parallel === parallel,
    );
    const work = one && many ? (many.wall.median - one.wall.median) / (targets - 1) : undefined;
    rows.push([
      `\`${command.name}\``,
      parallel,
      perTarget((high.beforeMs - low.beforeMs) / more),
      perTarget((high.afterMs - low.afterMs) / more),
      work === undefined ? '' : perTarget(work),
      work === undefined ? '' : ms(parallel * work),
      ms(high.depth * latencyMs),
    ]);
  }
  if (rows.length === 0) return [];
  return [
    '### Cost of one more target',
    '',
    `From the fewest to the most targets (medians; the deploy is left out, its uploads dominate): the growth of spawn → 1st request and of last answer → exit per target added (at ${latencyMs} ms), and the CLI's whole work per target at zero latency: (wall on the most targets − on one) / (targets − 1). The answers of a round come back together and the CLI handles them on its one thread, so a round of P needs about P × that, against the round's latency k × ${latencyMs} ms.`,
    '',
    markdownTable(
      [
        'command',
        '--parallel',
        'set-up before the 1st request',
        'after the last answer',
        'all CLI work, zero latency',
        'P × that',
        "a round's latency",
      ],
      rows,
    ),
    '',
  ];
}

function zeroTable(zeroRows: readonly Row[]): string {
  return markdownTable(
    [
      'case',
      ...SUMMARY_HEADERS,
      'spawn → 1st request',
      '1st request → last answer',
      'last answer → exit',
      'upload round',
      'CLI CPU',
      'other load',
      'peak RSS',
    ],
    zeroRows.map((row) => {
      const none = row.scaleCase.targets === 0;
      return [
        caseName(row.scaleCase),
        ...summaryCells(row.wall, ms),
        none ? '' : ms(row.beforeMs),
        none ? '' : ms(row.requestsMs),
        none ? '' : ms(row.afterMs),
        optionalMs(row.uploadRoundMs),
        ms(row.cliCpuMs),
        percent(row.otherShare),
        megabytes(row.peakRssKb),
      ];
    }),
  );
}

/**
 * What the tables say besides the verdicts, computed from them: the command's start-up beyond
 * `--version`, the stand-ins' own timing, and what `status --metrics` did not have to read.
 */
function findings(
  judged: readonly Judged[],
  zeroRows: readonly Row[],
  calibration: Calibration,
  latencyMs: number,
  sizeMb: number,
): string[] {
  const lines = ['### Findings', ''];
  const oneTarget = zeroRows.filter((row) => row.scaleCase.targets === 1);
  const firstRequest = Math.min(...oneTarget.map((row) => row.beforeMs));
  lines.push(
    `- **Start-up.** At zero latency on one target the first request arrives ${oneTarget.map((row) => `${ms(row.beforeMs)} (\`${row.scaleCase.command.name}\`)`).join(', ')} after spawn, against ${ms(calibration.startUpMs)} for the whole of \`tomcat-pd --version\`: the command's own start-up (its modules, the config, the clients) takes ${ms(firstRequest - calibration.startUpMs)} or more beyond the allowance, once per run, and rendering and exit after the last answer another ${ms(Math.min(...oneTarget.map((row) => row.afterMs)))} or more. Where the floor is short (few rounds), these fixed costs make most of the wall time.`,
  );
  const most = Math.max(...judged.map((row) => row.scaleCase.targets));
  const atMost = judged.filter((row) => row.scaleCase.targets === most);
  lines.push(
    `- **The CLI's one thread.** On ${most} targets the CLI process was on the CPU for ${atMost.map((row) => `${percent(row.cliCpuMs / row.wall.median)} (\`${row.scaleCase.command.name}\`, --parallel ${row.scaleCase.parallel})`).join(', ')} of its wall time. Its work per target (table "Cost of one more target") runs between a target's answer and that worker's next request, and the answers of a round wait for each other on the one thread: each round costs the latency plus that work and that wait.`,
  );
  lines.push(...uploadFindings(judged, calibration, latencyMs, sizeMb));
  const answers = known(judged.map((row) => row.answerMs));
  if (answers.length > 0) {
    const mean = answers.reduce((sum, value) => sum + value, 0) / answers.length;
    lines.push(
      `- **The stand-ins' own timing.** A stand-in took ${ms(mean)} on average from a request's arrival to the end of its answer with the latency set to ${ms(latencyMs)} (a timer fires late, and the answer is written after it): ${(((mean - latencyMs) / latencyMs) * 100).toFixed(0)}% over the floor in every request before the CLI does anything.`,
    );
  }
  const metrics = judged.filter((row) => row.scaleCase.command.name === 'status --metrics');
  if (metrics.length > 0 && metrics.every((row) => !row.counts.includes('sessions'))) {
    lines.push(
      "- **`status --metrics` read no `sessions`.** It reads one per draining version that the status page lists, and the recorded status page (another Tomcat's: `shop`, `plain`, ROOT) lists none of `list-mixed.txt`'s draining versions (`/app##001`, `/app##002`), so only `/plain`, ROOT and the Manager got metrics. Where both agree, each draining version adds one request in sequence per target.",
    );
  }
  return lines;
}

/** U(1) against the sustained rate and the uploads of the measured runs; the machine's CPU during the biggest deploys. */
function uploadFindings(
  judged: readonly Judged[],
  calibration: Calibration,
  latencyMs: number,
  sizeMb: number,
): string[] {
  const deploys = judged.filter((row) => row.scaleCase.command.uploads && row.uploadMs !== undefined);
  if (deploys.length === 0) return [];
  const fastest = deploys.reduce((best, row) => (row.uploadMs! < best.uploadMs! ? row : best));
  const transfer = fastest.uploadMs! - latencyMs;
  const single = calibration.singleUploadMs;
  const most = Math.max(...deploys.map((row) => row.scaleCase.targets));
  const biggest = deploys.filter((row) => row.scaleCase.targets === most);
  return [
    `- **Upload time.** A single upload alone in a fresh CLI at zero latency (U(1)) took ${ms(single)}; sustained at zero latency on ${most} targets, ${[...calibration.sustainedUploadMs].map(([parallel, perUpload]) => `${ms(perUpload)} per upload with --parallel ${parallel}`).join(', ')}; in the runs at ${ms(latencyMs)} an upload took ${ms(fastest.uploadMs!)} on average at best (${caseName(fastest.scaleCase)}), ${ms(transfer)} without the latency. ` +
      (transfer < single
        ? 'A single upload in a fresh process is slower than the uploads of a long run, so one U(1) per round would be no floor; the floor counts u per upload.'
        : 'The floor counts u per upload, the fastest rate measured.'),
    `- **The machine during the biggest deploys.** ${biggest.map((row) => `${caseName(row.scaleCase)}: the CLI used ${ms(row.cliCpuMs)} of CPU and the stand-ins ${ms(row.standInCpuMs)} in ${ms(row.wall.median)}, ${percent((row.cliCpuMs + row.standInCpuMs) / (row.wall.median * cpus().length))} of the ${cpus().length} cores`).join('; ')}. Both ends of every upload run on this machine, and each moves the ${most} × ${sizeMb} MB through its own CPU.`,
  ];
}
