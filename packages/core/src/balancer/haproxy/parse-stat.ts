import { isWholeDump, refused, type HaproxyAnswer } from './haproxy-answer.js';

/** One server's line of `show stat`, the fields the driver uses. */
export interface StatRow {
  readonly proxy: string;
  readonly server: string;
  /** `status`: `UP`, `DOWN`, `DRAIN`, `MAINT`, `no check`, `UP 1/3`, ... */
  readonly status: string;
  /** `scur`: streams in flight on the server now. */
  readonly current: number;
  /** `qcur`: requests queued for the server (they will reach it). */
  readonly queued: number;
  /** `lastsess`: seconds since a stream was last sent to it; undefined when it never had one (-1). */
  readonly lastSessionSeconds: number | undefined;
  /** `check_status` (`L7OK`, `L4CON`, ...) without the `* ` HAProxy puts before it while a check runs; `''` without a check. */
  readonly checkStatus: string;
}

/**
 * Parses `show stat` CSV: a header `# pxname,svname,...` (every line ends with a comma), then one
 * line per proxy or server. Columns are found by their names in the header, not by position.
 * Only servers are returned (not the `FRONTEND` and `BACKEND` lines). Anything else (an error text, a line cut short) is a refusal.
 */
export function parseStat(text: string): HaproxyAnswer<StatRow[]> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const [header, ...rows] = lines;
  if (!isWholeDump(text) || header?.startsWith('# ') !== true) return refused(text);
  const names = splitCsv(header.slice(2));
  const at = (row: readonly string[], name: string): string | undefined => {
    const index = names.indexOf(name);
    return index < 0 ? undefined : row[index];
  };
  const parsed: StatRow[] = [];
  for (const line of rows) {
    const row = splitCsv(line);
    if (row.length !== names.length) return refused(text);
    const proxy = at(row, 'pxname');
    const server = at(row, 'svname');
    if (!proxy || !server) return refused(text);
    if (server === 'FRONTEND' || server === 'BACKEND') continue;
    const current = count(at(row, 'scur'));
    const queued = count(at(row, 'qcur'));
    const lastSession = Number(at(row, 'lastsess'));
    if (current === undefined || queued === undefined || !Number.isInteger(lastSession)) return refused(text);
    parsed.push({
      proxy,
      server,
      status: at(row, 'status') ?? '',
      current,
      queued,
      lastSessionSeconds: lastSession < 0 ? undefined : lastSession,
      checkStatus: (at(row, 'check_status') ?? '').replace(/^\* /, ''),
    });
  }
  return { ok: true, value: parsed };
}

/** A counter field: a whole number; an empty field (not counted for this line) is 0. */
function count(field: string | undefined): number | undefined {
  if (field === '') return 0;
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : undefined;
}

/**
 * Splits one CSV line. HAProxy quotes a field holding a comma or a quote (`csv_enc`: `"a,b"`,
 * `""` for a quote), e.g. a check's description quoting the server's answer.
 */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}
