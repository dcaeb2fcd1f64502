import { checkWar, validateContextPath, WarCheckError, type WarCheckReport } from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { renderCheck } from '../render/check.js';

interface CheckInput {
  warFile: string;
  /** `undefined`: from the WAR's file name, as Tomcat derives it. */
  path: string | undefined;
}

export function parse({ args, options, defaults }: CommandLine<{ path?: string }>): CheckInput {
  const path = options.path ?? defaults.path;
  return { warFile: String(args[0]), path: path === undefined ? undefined : validateContextPath(path) };
}

/**
 * `tomcat-pd check <war> [--path P]`: the parallel-deployment checklist of a WAR, read in place
 * (docs/war-check.md). No Tomcat is asked. Errors exit 3, as `deploy` refuses such a WAR;
 * warnings and advice exit 0. A WAR too broken to read is a usage error (exit 2).
 */
export async function run(context: CliContext, { warFile, path }: CheckInput): Promise<void> {
  const report: WarCheckReport = await checkWar({ warFile, contextPath: path, signal: context.signal });
  context.output.result(report, () => renderCheck(report, context.output.colors));
  const errors = report.findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    throw new WarCheckError(
      `${warFile} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}: ` +
        'a second version beside another could not work.',
      errors,
    );
  }
}
