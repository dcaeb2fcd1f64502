/**
 * What `status` shows of the balancers when the config has some: each target's colour (live,
 * draining, idle, or why that cannot be told) and a restart in progress. `status` imports it
 * only then, so that a status without balancers loads none of their code (tsdown.config.ts puts
 * it in the balancers' chunk).
 */
import type { ManagerClient } from '@tomcat-pd/core';
import { lbStatus } from '@tomcat-pd/core/balancers';
import type { CliContext } from '../context.js';
import { coloursDocument, renderColours } from '../render/colours.js';
import { readRestartRecord, restartRecordFile } from '../restart-record.js';

/** The part of status's report: its JSON fields and its text. */
export interface BehindBalancers {
  document: ReturnType<typeof coloursDocument>;
  text: string;
}

/**
 * Reads every balancer and each target's sessions (`lbStatus`: one `list` more per target, done
 * while status reads its own) and the restart's record. A balancer that cannot be read leaves
 * the colours untold, and says so; it does not fail status, which is about the Tomcats.
 */
export async function readBehindBalancers(
  context: CliContext,
  clients: readonly ManagerClient[],
): Promise<BehindBalancers> {
  const balancers = await context.balancers();
  const report = await lbStatus({ balancers, clients, parallel: context.parallel, signal: context.signal });
  const restart = readRestartRecord(restartRecordFile(context.config?.source));
  const targets = clients.map((client) => client.name);
  return {
    document: coloursDocument(report.colours, restart),
    text: renderColours(report.colours, targets, restart),
  };
}
