/**
 * Parser of the Manager's `sessions` / `expire` answer (docs/tomcat-manager.md#sessions-and-expire,
 * ManagerServlet.sessions). Both the bracketed format (8.5.15+) and the older bracket-less one.
 */
import { expectOk, protocolError } from './parse-response.js';
import type { SessionBucket, SessionInfo } from './types.js';

// Each kind of line as `[bracketed, bracket-less]` (LocalStrings; docs/tomcat-manager.md#brackets):
// `Default maximum session inactive interval is [{0}] minutes` / `... interval {0} minutes`
const HEADER = [
  /^Default maximum session inactive interval is \[(-?\d+)\] minutes$/,
  /^Default maximum session inactive interval (-?\d+) minutes$/,
];
// `Inactive for [{0}] minutes: [{1}] sessions were expired` / `{0} minutes: {1} sessions were expired`;
// {0} is `>N` although Tomcat expires idle >= N minutes.
const EXPIRED = [
  /^Inactive for \[>\d+\] minutes: \[(\d+)\] sessions were expired$/,
  /^>\d+ minutes: (\d+) sessions were expired$/,
];
// `Unlimited time: [{0}] sessions` / `unlimited time: {0} sessions` (the case differs between versions).
const UNLIMITED = [/^Unlimited time: \[(\d+)\] sessions$/, /^unlimited time: (\d+) sessions$/i];
// `Inactive for [{0}] minutes: [{1}] sessions` / `{0} minutes: {1} sessions`; {0} is a label below.
const BUCKET = [
  /^Inactive for \[([^\]]+)\] minutes: \[(\d+)\] sessions$/,
  /^([^:]+) minutes: (\d+) sessions$/,
];

// The three label shapes of the histogram: `<h`, `i*h - <(i+1)*h`, and the overflow `>=maxCount*h`.
const BELOW = /^<(\d+)$/;
const RANGE = /^(\d+) - <(\d+)$/;
const AT_LEAST = /^>=(\d+)$/;

/**
 * Parses a `sessions` or `expire` answer:
 * ```
 * OK - Session information for application at context path [/app##001]
 * Default maximum session inactive interval is [30] minutes
 * Inactive for [<1] minutes: [1] sessions
 * Inactive for [1 - <2] minutes: [2] sessions
 * Inactive for [>0] minutes: [3] sessions were expired     (expire only)
 * ```
 * `total` is the sum of the buckets (Tomcat prints no total). `expired` is set only when the
 * answer has the "were expired" line.
 *
 * @param command the command that was sent, for error messages.
 * @throws TomcatFailError on `FAIL - ...`; TomcatPdError `E_NOT_MANAGER` on a non-Manager answer;
 *   TomcatPdError `E_PROTOCOL` on a missing header or an unknown line.
 */
export function parseSessions(text: string, command = 'sessions'): SessionInfo {
  const [header, ...lines] = expectOk(text, command).body;
  const max = header === undefined ? undefined : matchAny(header, HEADER)?.[1];
  if (max === undefined) {
    throw protocolError(
      `Missing "Default maximum session inactive interval" line in the answer to ${command}`,
      header ?? '',
    );
  }
  const info: SessionInfo = { defaultMaxInactiveMinutes: Number(max), buckets: [], total: 0 };
  for (const line of lines) {
    const expired = matchAny(line, EXPIRED)?.[1];
    if (expired !== undefined) {
      info.expired = Number(expired);
    } else {
      info.buckets.push(parseBucketLine(line, command));
    }
  }
  info.total = info.buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  return info;
}

/** One histogram line (either format) as a bucket. */
function parseBucketLine(line: string, command: string): SessionBucket {
  const unlimited = matchAny(line, UNLIMITED)?.[1];
  if (unlimited !== undefined) {
    // Tomcat counts here the sessions whose idle time is negative (last access "in the future", e.g.
    // after a clock change). Their real idle time is unknown, so the bucket claims the whole range
    // [0, open end): a consumer asking "idle less than N?" or "idle at least N?" must treat them as
    // possibly both, which is the safe reading for draining. They count towards `total`.
    return { label: 'unlimited', fromMinutes: 0, toMinutes: null, count: sessionCount(unlimited, line) };
  }
  const [, label, count] = matchAny(line, BUCKET) ?? [];
  const bounds = label === undefined ? undefined : labelBounds(label);
  if (label === undefined || count === undefined || bounds === undefined) {
    throw protocolError(`Unexpected line in the answer to ${command}`, line);
  }
  return { label, ...bounds, count: sessionCount(count, line) };
}

/** A count as `parseList` reads one: a safe integer, or the answer is not understood. */
function sessionCount(digits: string, line: string): number {
  const count = Number(digits);
  if (!Number.isSafeInteger(count)) throw protocolError('A session count too large to be true', line);
  return count;
}

/** The idle-minute range a histogram label stands for; `undefined` for an unknown label. */
function labelBounds(label: string): Pick<SessionBucket, 'fromMinutes' | 'toMinutes'> | undefined {
  const below = BELOW.exec(label);
  if (below) return { fromMinutes: 0, toMinutes: Number(below[1]) };
  const range = RANGE.exec(label);
  if (range) return { fromMinutes: Number(range[1]), toMinutes: Number(range[2]) };
  const atLeast = AT_LEAST.exec(label);
  if (atLeast) return { fromMinutes: Number(atLeast[1]), toMinutes: null };
  return undefined;
}

function matchAny(line: string, patterns: readonly RegExp[]): RegExpExecArray | null {
  for (const pattern of patterns) {
    const match = pattern.exec(line);
    if (match) return match;
  }
  return null;
}
