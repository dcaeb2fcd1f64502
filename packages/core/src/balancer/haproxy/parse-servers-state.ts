import type { AdminState } from '../member-state.js';
import { isWholeDump, refused, type HaproxyAnswer } from './haproxy-answer.js';

/** One server of `show servers state`, as the driver uses it. */
export interface ServerStateRow {
  readonly backend: string;
  readonly server: string;
  /** `srv_op_state`: 0 STOPPED, 1 STARTING, 2 RUNNING, 3 STOPPING. */
  readonly opState: number;
  /** `srv_admin_state`, a bit mask (see {@link adminStateOf}). */
  readonly adminBits: number;
}

/** `srv_op_state` 0: the server takes no traffic (down, or in maintenance). */
export const OP_STATE_STOPPED = 0;

/**
 * `srv_admin_state`'s bits (HAProxy's `enum srv_admin`, the same from 2.6 to 3.x): any
 * maintenance bit (forced 0x01, inherited through `track` 0x02, from the configuration 0x04,
 * resolution 0x20, FQDN set from the CLI 0x40) puts the server in maintenance, whatever else;
 * a drain bit (forced 0x08, inherited 0x10) drains it.
 */
const MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;
const DRAIN_BITS = 0x08 | 0x10;

/** The admin state a `srv_admin_state` mask means. */
export function adminStateOf(bits: number): AdminState {
  if ((bits & MAINT_BITS) !== 0) return 'maint';
  if ((bits & DRAIN_BITS) !== 0) return 'drain';
  return 'ready';
}

/** The columns the driver reads; the header names them, so their order is not assumed. */
const COLUMNS = ['be_name', 'srv_name', 'srv_op_state', 'srv_admin_state'] as const;

/**
 * Parses `show servers state <backend>`: a line `1` (the format's version), a header `# be_id
 * be_name ...`, then one line of space-separated fields per server, then an empty line.
 * Anything else (an error text, another format version, an answer cut short) is a refusal.
 */
export function parseServersState(text: string): HaproxyAnswer<ServerStateRow[]> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [version, header, ...rows] = lines;
  if (!isWholeDump(text) || version?.trim() !== '1' || header?.startsWith('# ') !== true)
    return refused(text);
  const names = header.slice(2).trim().split(/\s+/);
  const index = COLUMNS.map((column) => names.indexOf(column));
  if (index.some((at) => at < 0)) return refused(text);
  const [backendAt, serverAt, opAt, adminAt] = index as [number, number, number, number];
  const parsed: ServerStateRow[] = [];
  for (const row of rows) {
    const fields = row.trim().split(/\s+/);
    if (fields.length !== names.length) return refused(text);
    const opState = wholeNumber(fields[opAt]);
    const adminBits = wholeNumber(fields[adminAt]);
    const backend = fields[backendAt];
    const server = fields[serverAt];
    if (opState === undefined || adminBits === undefined || !backend || !server) return refused(text);
    parsed.push({ backend, server, opState, adminBits });
  }
  return { ok: true, value: parsed };
}

function wholeNumber(field: string | undefined): number | undefined {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}
