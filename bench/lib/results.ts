import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { formatMarkdown } from './markdown.js';

/** One benchmark's part of RESULTS.md. */
export interface Section {
  /** The name used by `--only` and the file name under bench/results/. */
  name: string;
  title: string;
  /** Markdown: the table(s), the target, the verdict, notes on method. */
  body: string;
}

/** When and by what command a section was measured. */
export interface RunInfo {
  date: string;
  command: string;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
const RESULTS_FILE = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/** A section as markdown, with the line that says when and how it was measured. */
export function renderSection(section: Section, run: RunInfo): string {
  return `## ${section.title}\n\n_Measured ${run.date} by \`${run.command}\`._\n\n${section.body.trim()}\n`;
}

/**
 * Writes one section to bench/results/<name>.md. A run with `--only` rewrites only the sections
 * it measured; RESULTS.md is then assembled from all the files, so the others are kept.
 */
export async function saveSection(section: Section, run: RunInfo): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${section.name}.md`;
  await writeFile(file, await formatMarkdown(renderSection(section, run), file));
}

/**
 * Writes bench/RESULTS.md: the header of this run (date, command, machine), then the section
 * of every benchmark in `order` that has been measured by this run or an earlier one.
 */
export async function writeResults(
  order: readonly string[],
  run: RunInfo,
  machine: string[],
): Promise<string> {
  const sections: string[] = [];
  for (const name of order) {
    const text = await readFile(`${RESULTS_DIR}${name}.md`, 'utf8').catch(() => undefined);
    if (text !== undefined) sections.push(text.trim());
  }
  const header = [
    '# tomcat-pd benchmarks',
    '',
    `Written by \`pnpm bench\` (bench/run.ts); last run ${run.date} with \`${run.command}\`.`,
    'Each figure is the median of several runs, with min and max. A run with `--only` keeps the',
    'sections of the benchmarks it did not run (bench/results/); each section says when it was measured.',
    '',
    '## Machine',
    '',
    ...machine.map((line) => `- ${line}`),
  ].join('\n');
  const text = [header, ...sections].join('\n\n');
  await writeFile(RESULTS_FILE, await formatMarkdown(`${text}\n`, RESULTS_FILE));
  return RESULTS_FILE;
}
