import { lbStatus } from '@tomcat-pd/core/balancers';
import type { CommandLine } from '../command-line.js';
import type { LbStatusFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import { lbStatusDocument, renderLbStatus } from '../render/lb.js';
import { readRestartRecord, restartRecordFile } from '../restart-record.js';
import { chosenBalancers } from './lb-balancers.js';

export function parse({ flags }: CommandLine<LbStatusFlags>): { balancer: string | undefined } {
  return { balancer: flags.balancer };
}

/**
 * `tomcat-pd lb status`: every balancer's members beside Tomcat's sessions on each target, the
 * colours, and a restart in progress. A balancer or target that cannot be read is shown as such;
 * its error then decides the exit code.
 */
export async function run(context: CliContext, input: { balancer: string | undefined }): Promise<void> {
  const [balancers, clients] = await Promise.all([
    chosenBalancers(context, input.balancer),
    context.clients(),
  ]);
  const report = await lbStatus({ balancers, clients, parallel: context.parallel, signal: context.signal });
  const restart = readRestartRecord(restartRecordFile(context.config?.source));
  context.output.result(lbStatusDocument(report, restart), () => renderLbStatus(report, restart));
  const failed = [...report.balancers, ...report.targets].find((entry) => !entry.ok);
  if (failed !== undefined && !failed.ok) throw failed.error;
}
