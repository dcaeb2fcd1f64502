import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { findLeaksAfter, type LeakReport, type UndeployedVersion } from './find-leaks.js';

/**
 * A leak check asked for after an operation: its report, or why it could not be made. The
 * operation before it succeeded either way, so a failed check is reported, not thrown.
 */
export type LeakCheck = { ok: true; report: LeakReport } | { ok: false; error: TomcatPdError };

/**
 * How seldom a periodic drain asks `findleaks`, which forces a full GC on the server: at most
 * once an hour, and only after a cycle that undeployed something.
 */
export const LEAK_CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * {@link findLeaksAfter} for an operation that undeployed (or stopped) `undeployed`; nothing is
 * asked (and `undefined` returned) when it removed nothing: the GC would only tell old news.
 */
export async function checkLeaksAfter(
  client: ManagerClient,
  undeployed: readonly UndeployedVersion[],
  signal: AbortSignal | undefined,
): Promise<LeakCheck | undefined> {
  if (undeployed.length === 0) return undefined;
  try {
    return { ok: true, report: await findLeaksAfter(client, { undeployed, signal }) };
  } catch (error) {
    return { ok: false, error: toTomcatPdError(error) };
  }
}
