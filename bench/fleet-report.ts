/** The fleet benchmark's section of RESULTS.md: the table, the verdict, and what limited it. */
import { cpus } from 'node:os';
import type { Variant } from './lib/interleave.js';
import type { Cell } from './lib/markdown.js';
import { SUMMARY_HEADERS, markdownTable, ms, ratio, seconds, summaryCells, verdict } from './lib/markdown.js';
import type { MachineCpuTimes } from './lib/proc-stat.js';
import type { Section } from './lib/results.js';
import { summarize } from './lib/stats.js';

const TARGET_RATIO = 1.3;
/** From this share of all cores' time busy on, the cores are called the limit. */
const SATURATED = 0.9;

export interface FleetSample {
  wallMs: number;
  /** CPU seconds the N Tomcat JVMs used during the deploy (/proc/PID/stat, before and after). */
  tomcatCpuSeconds: number;
  /** CPU seconds of the client process(es): tomcat-pd, or the N curls. */
  clientCpuSeconds: number;
  /** The whole machine meanwhile (/proc/stat): whatever else ran counts too. */
  machine: MachineCpuTimes;
}

export interface FleetVariant extends Variant<FleetSample> {
  client: 'tomcat-pd' | 'curl';
  /** `--parallel`, when given. */
  parallel: number | undefined;
  targets: number;
}

/** The medians of one variant's runs that the table and the conclusion use. */
function medians(series: FleetSample[], cores: number) {
  const share = (seconds: (s: FleetSample) => number) =>
    summarize(series.map((s) => seconds(s) / ((s.wallMs / 1000) * cores))).median;
  return {
    wall: summarize(series.map((s) => s.wallMs)),
    tomcatCpu: summarize(series.map((s) => s.tomcatCpuSeconds)).median,
    clientCpu: summarize(series.map((s) => s.clientCpuSeconds)).median,
    /** The wall time no scheduling could beat: all the CPU work spread evenly over the cores. */
    floorMs: summarize(series.map((s) => ((s.tomcatCpuSeconds + s.clientCpuSeconds) / cores) * 1000)).median,
    busy: share((s) => s.machine.busy),
    /** Busy with neither the Tomcats measured nor the client: the bench itself, other processes. */
    other: share((s) => s.machine.busy - s.tomcatCpuSeconds - s.clientCpuSeconds),
    iowait: share((s) => s.machine.iowait),
    steal: share((s) => s.machine.steal),
  };
}

/** A share as `42%`; the kernel's iowait counter can step back a tick, which is not below 0. */
const percent = (share: number) => `${Math.max(0, share * 100).toFixed(0)}%`;

const HEADERS = [
  'variant',
  ...SUMMARY_HEADERS,
  'vs 1 target',
  'Tomcat CPU',
  'client CPU',
  'CPU floor',
  'busy',
  'of it other',
  'iowait',
  'steal',
];

type Medians = ReturnType<typeof medians>;

/** One variant's row; `single` is the same client's 1-target variant. */
function tableRow(variant: FleetVariant, m: Medians, single: Medians): Cell[] {
  return [
    variant.name,
    ...summaryCells(m.wall, ms),
    ratio(m.wall.median / single.wall.median),
    seconds(m.tomcatCpu),
    seconds(m.clientCpu),
    ms(m.floorMs),
    percent(m.busy),
    percent(m.other),
    percent(m.iowait),
    percent(m.steal),
  ];
}

/** How it was measured, and what each column means. */
function methodText(max: number, cores: number): string {
  return (
    `${max} local Tomcats on this ${cores}-core machine. \`tomcat-pd --config FILE deploy WAR --path P --quiet\` ` +
    `with the first N targets of the config (default \`--parallel\` 4, and once \`--parallel ${max}\`), against N ` +
    '`curl -T` uploads started at once (the by-hand baseline). Interleaved runs after one warm-up round, each ' +
    'to a fresh path, undeployed afterwards (untimed). "vs 1 target": to the same client with 1 target. ' +
    'Tomcat CPU: user + system seconds of the N JVMs during the deploy (/proc/PID/stat); client CPU: of ' +
    `tomcat-pd or the curls; CPU floor: (Tomcat + client CPU) / ${cores} cores, the least wall time any ` +
    "scheduling allows. Busy, iowait, steal: shares of all cores' time during the deploy, machine-wide " +
    '(/proc/stat); "of it other": busy with neither these Tomcats nor the client (the other Tomcats, this ' +
    'benchmark, anything else). Each run starts on a quiet machine (under 15% busy, see lib/settle.ts).'
  );
}

export function fleetSection(
  variants: readonly FleetVariant[],
  samples: Map<string, FleetSample[]>,
  settings: { sizeMb: number; maxTargets: number },
): Section {
  const cores = cpus().length;
  const stats = new Map(variants.map((v) => [v, medians(samples.get(v.name)!, cores)]));
  const find = (client: FleetVariant['client'], targets: number, parallel?: number) => {
    const variant = variants.find(
      (v) => v.client === client && v.targets === targets && v.parallel === parallel,
    );
    return stats.get(variant!)!;
  };
  const rows = variants.map((variant) => tableRow(variant, stats.get(variant)!, find(variant.client, 1)));
  const max = settings.maxTargets;
  const single = find('tomcat-pd', 1).wall.median;
  const eight = find('tomcat-pd', max);
  const eightRatio = eight.wall.median / single;
  const parallelRatio = find('tomcat-pd', max, max).wall.median / single;
  return {
    name: 'fleet',
    title: `4. Fleet: deploy a ${settings.sizeMb} MB WAR to 1, 4 and ${max} Tomcats`,
    body: [
      methodText(max, cores),
      '',
      markdownTable(HEADERS, rows),
      '',
      `Target: ${max} targets at most ${ratio(TARGET_RATIO)} the time of 1 (medians, default \`--parallel\`): ` +
        `${ratio(eightRatio)}, **${verdict(eightRatio <= TARGET_RATIO)}**; with \`--parallel ${max}\`: ` +
        `${ratio(parallelRatio)}, ${verdict(parallelRatio <= TARGET_RATIO)}.`,
      '',
      limitSentence(eight, single, { cores, max }),
    ].join('\n'),
  };
}

/** Whether the cores explain the 8-target time: computed from the measurements, never written by hand. */
function limitSentence(eight: Medians, singleMs: number, setup: { cores: number; max: number }): string {
  const floorRatio = eight.floorMs / singleMs;
  const facts =
    `With ${setup.max} targets the Tomcats and tomcat-pd used ${seconds(eight.tomcatCpu + eight.clientCpu)} of CPU, ` +
    `so ${setup.cores} cores cannot finish in less than ${ms(eight.floorMs)} (${ratio(floorRatio)} the 1-target time); ` +
    `the machine's cores were ${percent(eight.busy)} busy (${percent(eight.other)} with other work; ` +
    `iowait ${percent(eight.iowait)}, steal ${percent(eight.steal)}).`;
  const verdictText =
    eight.busy >= SATURATED
      ? `The cores are the limit here: ${setup.max} Tomcats deploying at once on ${setup.cores} cores take turns, ` +
        `where a real fleet gives each Tomcat its own machine.`
      : floorRatio > TARGET_RATIO
        ? `Even a perfect schedule on ${setup.cores} cores could not meet ${ratio(TARGET_RATIO)} (the CPU floor alone is ${ratio(floorRatio)}), yet the cores were not saturated: the rest of the time went elsewhere (waiting on disk, on a single busy thread, or on the network round trips).`
        : `The cores were not saturated and the CPU floor is within the target: the time is lost elsewhere.`;
  return `${facts} ${verdictText}`;
}
