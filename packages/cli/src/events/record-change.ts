import { UsageError } from '@tomcat-pd/core';
import type { Output } from '../output.js';
import { appendAuditRecord } from './audit-log.js';
import {
  currentActor,
  endEvent,
  startEvent,
  type ChangeDone,
  type ChangeEvent,
  type ChangeStart,
} from './change-event.js';
import { sendToWebhooks } from './webhook.js';

/** Where a change's documents go: the config's `notify` webhooks, the audit file. */
export interface EventSinks {
  notify: readonly string[];
  auditLog: string | undefined;
}

/**
 * The start sends without holding the change up for long; the end may take longer, the change
 * being done (README: Notifications).
 */
export const START_BUDGET_MS = 2000;
export const END_BUDGET_MS = 5000;

/**
 * Runs a command that changes something between its two documents: the start is on disk (the
 * audit file) before anything changes, and a start that cannot be written there stops the
 * command, for an audit trail that misses a change is worth nothing; then the webhooks. The end
 * follows however the command ended, and its error goes on unchanged: a webhook down or an audit
 * file that became unwritable is a warning, never another exit code.
 */
export async function recordChange(
  sinks: EventSinks,
  change: { start: ChangeStart; targets: readonly string[] },
  output: Output,
  run: (start: ChangeEvent) => Promise<ChangeDone | void>,
): Promise<void> {
  const start = startEvent(change.start, change.targets, currentActor(), new Date());
  if (sinks.auditLog !== undefined) {
    await appendAuditRecord(sinks.auditLog, start).catch((error: unknown) => {
      throw new UsageError(`Cannot write the audit file ${sinks.auditLog}: ${(error as Error).message}`, {
        hint: 'Nothing was changed. Check --audit-log (or "auditLog" in the config file) and its folder.',
      });
    });
  }
  await notify(sinks, start, START_BUDGET_MS, output);
  let result: { done: ChangeDone | undefined } | { error: unknown };
  try {
    result = { done: (await run(start)) ?? undefined };
  } catch (error) {
    result = { error };
  }
  const end = endEvent(start, result, new Date());
  if (sinks.auditLog !== undefined) {
    await appendAuditRecord(sinks.auditLog, end).catch((error: unknown) =>
      output.warn(
        `The audit file ${sinks.auditLog} did not take the end of the change: ${(error as Error).message}`,
      ),
    );
  }
  await notify(sinks, end, END_BUDGET_MS, output);
  if ('error' in result) throw result.error;
}

async function notify(
  sinks: EventSinks,
  event: ChangeEvent,
  budgetMs: number,
  output: Output,
): Promise<void> {
  if (sinks.notify.length === 0) return;
  for (const failure of await sendToWebhooks(sinks.notify, event, { budgetMs })) {
    output.warn(
      `The webhook at ${failure.origin} did not take the ${event.phase} of the ${event.event}: ${failure.problem}.`,
    );
  }
}
