import { WarCheckError, type WarCheckReport } from '@tomcat-pd/core';
import { parseCheckWarOptions, runLazyWarCheck, type WarCheckSpec } from '@tomcat-pd/core/internal';
import type { CommandLine } from '../command-line.js';
import type { CheckFlags } from '../commands/check.js';
import type { CliContext } from '../context.js';
import { renderCheck } from '../render/check.js';

export function parse({ args, flags, defaults }: CommandLine<CheckFlags>): WarCheckSpec {
  return parseCheckWarOptions({ warFile: String(args[0]), contextPath: flags.path ?? defaults.path });
}

/**
 * `tomcat-pd check <war> [--path P]`: the parallel-deployment checklist of a WAR, read in place
 * (docs/war-check.md). No Tomcat is asked. Errors exit 3, as `deploy` refuses such a WAR;
 * warnings and advice exit 0. A WAR too broken to read is a usage error (exit 2).
 */
export async function run(context: CliContext, spec: WarCheckSpec): Promise<void> {
  const report: WarCheckReport = await runLazyWarCheck(spec, context.signal);
  context.output.result(report, () => renderCheck(report, context.output.colors));
  const errors = report.findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    throw new WarCheckError(
      `${spec.warFile} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}: ` +
        'a second version beside another could not work.',
      errors,
    );
  }
}
