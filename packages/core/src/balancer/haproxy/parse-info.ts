import { isWholeDump, refused, type HaproxyAnswer } from './haproxy-answer.js';

/** What `show info` tells the driver. */
export interface HaproxyInfo {
  readonly version: string | undefined;
  readonly pid: number;
  /** `Start_time_sec`: when the process started (Unix seconds), where HAProxy tells it. */
  readonly startTimeSec: number | undefined;
  /**
   * What changes when HAProxy restarts or reloads (and so forgets the states set at run time):
   * its pid and start time. Not `Uptime_sec`, which changes every second.
   */
  readonly generation: string;
}

/** Parses `show info`: lines `Name: value`; a `Pid` is required. Anything else is a refusal. */
export function parseInfo(text: string): HaproxyAnswer<HaproxyInfo> {
  if (!isWholeDump(text)) return refused(text);
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2).trim());
  }
  const pid = positive(fields.get('Pid'));
  if (pid === undefined) return refused(text);
  const startTimeSec = positive(fields.get('Start_time_sec'));
  const generation = startTimeSec === undefined ? `pid ${pid}` : `pid ${pid} started ${startTimeSec}`;
  return { ok: true, value: { version: fields.get('Version'), pid, startTimeSec, generation } };
}

function positive(field: string | undefined): number | undefined {
  return field !== undefined && /^\d+$/.test(field) && Number(field) > 0 ? Number(field) : undefined;
}
