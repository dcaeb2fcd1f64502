/**
 * Java's `Date.toString()`, which the status page uses for a context's start time:
 * `EEE MMM dd HH:mm:ss zzz yyyy` in the server's time zone, e.g. `Tue Dec 01 23:55:15 UTC 2026`
 * (recorded: `fixtures/status/status-all-10.1.json`). The zone is a short name, which only
 * names an offset for some zones; others (`IST` is India, Ireland or Israel) cannot be read.
 */
const JAVA_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (\d{4})$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Short names Java prints for common zones, with their offsets in hours; the ambiguous ones are left out.
const ZONE_OFFSETS: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 1,
  BST: 1,
  CET: 1,
  CEST: 2,
  MET: 1,
  MEST: 2,
  EET: 2,
  EEST: 3,
  MSK: 3,
  EST: -5,
  EDT: -4,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
  AKST: -9,
  AKDT: -8,
  HST: -10,
  JST: 9,
  KST: 9,
  AEST: 10,
  AEDT: 11,
  ACST: 9.5,
  ACDT: 10.5,
  AWST: 8,
  NZST: 12,
  NZDT: 13,
};

/** Epoch milliseconds of a Java `Date.toString()` text; `undefined` if its zone cannot be read. */
export function parseJavaDate(text: string): number | undefined {
  const match = JAVA_DATE.exec(text);
  if (match === null) return undefined;
  const [, month, day, hours, minutes, seconds, zone, year] = match;
  const monthIndex = MONTHS.indexOf(month ?? '');
  const offsetHours = zoneOffsetHours(zone ?? '');
  if (monthIndex < 0 || offsetHours === undefined) return undefined;
  const local = Date.UTC(
    Number(year),
    monthIndex,
    Number(day),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  return local - offsetHours * 3_600_000;
}

/** `CET` → 1; `GMT+05:30` (Java's form for a zone without a short name) → 5.5. */
function zoneOffsetHours(zone: string): number | undefined {
  const custom = /^GMT([+-])(\d{2}):(\d{2})$/.exec(zone);
  if (custom === null) return ZONE_OFFSETS[zone];
  const [, sign, h, m] = custom;
  return (sign === '-' ? -1 : 1) * (Number(h) + Number(m) / 60);
}
