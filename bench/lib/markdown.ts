import { format, resolveConfig } from 'prettier';
import type { Summary } from './stats.js';

/** A cell of a table: text as is, numbers already formatted by the caller. */
export type Cell = string | number;

/**
 * A markdown table with padded columns, readable as is on a terminal. Pipes in cells are
 * escaped so that a command line such as `a | b` cannot break the table.
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers, ...rows].map((row) => row.map((cell) => String(cell).replaceAll('|', '\\|')));
  const widths = headers.map((_, column) => Math.max(3, ...text.map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    `| ${widths.map((width, column) => (row[column] ?? '').padEnd(width)).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(text[0]!), rule, ...text.slice(1).map(line)].join('\n');
}

/** The usual columns of a measured row: label, median, min, max, runs (numbers formatted by `show`). */
export const SUMMARY_HEADERS = ['median', 'min', 'max', 'runs'] as const;

export function summaryCells(summary: Summary, show: (value: number) => string): Cell[] {
  return [show(summary.median), show(summary.min), show(summary.max), summary.runs];
}

/** Formatters for the units used in the tables. */
export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const seconds = (value: number): string => `${value.toFixed(2)} s`;
export const megabytes = (kilobytes: number): string => `${(kilobytes / 1024).toFixed(1)} MB`;
export const ratio = (value: number): string => `${value.toFixed(2)}x`;

/** `met` or `NOT met`: always computed from the measurements, never written by hand. */
export function verdict(isMet: boolean): string {
  return isMet ? 'met' : 'NOT met';
}

/**
 * Formats markdown with the repository's prettier settings, so that the written results pass
 * `prettier --check` (`pnpm lint` checks every .md file) without a manual `pnpm format`.
 */
export async function formatMarkdown(text: string, filePath: string): Promise<string> {
  const config = (await resolveConfig(filePath)) ?? {};
  return format(text, { ...config, parser: 'markdown', filepath: filePath });
}
