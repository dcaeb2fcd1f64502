/**
 * Which versions may be deployed: the allowed characters, the automatic counter and the ordering
 * invariant (a deploy only goes ahead if the new version will be the live one; the safety rules
 * in docs/architecture.md#safety-rules). Pure functions; the deploy operation turns a refusal
 * into an `UnsafeOperationError`.
 */
import { withDefaults } from '../common/defaults.js';
import { usageError } from '../errors/error-classes.js';
import type { HintPart } from '../errors/hints.js';
import { compareVersions, greatestVersion } from './version-order.js';

/** The characters a version may contain: `A-Z a-z 0-9 . _ -`. */
export const VERSION_PATTERN = /^[A-Za-z0-9._-]+$/;

/** The longest version accepted: it ends up in file and directory names on the server. */
export const MAX_VERSION_LENGTH = 100;

const ALLOWED = 'A-Z a-z 0-9 . _ -';
// A counter: an optional prefix without digits, then digits (`007`, `r0012`, `build-41`), and
// perhaps a build id after a `-` (`004-3f9c2ab`, see build-id.ts): the digits decide the order.
/** What a build id may be: a letter or digit, then letters, digits, `.`, `_` and `-`. */
export const BUILD_ID_SOURCE = '[A-Za-z0-9][A-Za-z0-9._-]*';
const COUNTER_PATTERN = new RegExp(`^([A-Za-z._-]*)(\\d+)(?:-(${BUILD_ID_SOURCE}))?$`);
export const DEFAULT_WIDTH = 3;

/** True if `v` is non-empty, at most 100 characters long and uses only `A-Z a-z 0-9 . _ -`. */
export function isValidVersion(v: string): boolean {
  return v.length <= MAX_VERSION_LENGTH && VERSION_PATTERN.test(v);
}

/**
 * Returns `v` if it is a valid version, else throws a usage error naming the offending characters.
 *
 * Tomcat itself does not validate versions at all (docs/tomcat-manager.md#safe-versions), so this
 * is the only guard, and it runs before anything is uploaded. Why the rest is refused:
 * - `/` and `\`: the version becomes part of a file name; `/` ends in a FileNotFoundException FAIL
 *   (recorded: `deploy-version-with-slash.txt`), and 10.1.56+ refuses `..`/`/` combinations.
 * - `#`: Tomcat writes the `/` of a path as `#` in file names (`a#b##7.war` is `/a/b` version 7),
 *   so a `#` in a name is ambiguous to whoever reads appBase; in a URL it starts a fragment.
 * - `+` and space: a `+` in a query string decodes to a space; a space in a file name breaks
 *   scripts that handle appBase.
 * - `: * ? " < > |` and control characters: the operating system may refuse them in a file name
 *   (Windows does); non-ASCII characters depend on the platform's file-name encoding.
 * @throws TomcatPdError with code `E_USAGE`.
 */
export function validateVersion(v: string): string {
  if (v === '') throw usageError(`A version must not be empty. Allowed characters: ${ALLOWED}`);
  const bad = [...new Set(Array.from(v).filter((ch) => !VERSION_PATTERN.test(ch)))];
  if (bad.length > 0) {
    throw usageError(
      `Version ${quote(v)} contains ${listOf(bad.map(describeChar))}, which ${bad.length === 1 ? 'is' : 'are'} ` +
        `not allowed. Allowed characters: ${ALLOWED}`,
      'Use only letters, digits and . _ - (e.g. 004 or 1.2.3-rc.1).',
    );
  }
  if (v.length > MAX_VERSION_LENGTH) {
    throw usageError(
      `Version ${quote(v)} is ${v.length} characters long; at most ${MAX_VERSION_LENGTH} are allowed.`,
    );
  }
  // Tomcat strips .war/.xml from a file name, so `shop##1.war` would be read back as version 1.
  if (/\.(war|xml)$/i.test(v)) {
    throw usageError(`Version ${quote(v)} ends in ${v.slice(-4)}, which Tomcat strips from its file name.`);
  }
  return v;
}

/**
 * The next automatic version: the greatest (in Tomcat's order) counter-shaped version among
 * `existing` plus one, keeping its prefix and its width: `009` → `010`, `r0041` → `r0042`.
 * A counter that outgrows its width gets one digit longer (`999` → `1000`), which sorts *below*
 * `999`; {@link checkOrdering} then refuses it and explains the way out.
 * Without a counter-shaped version the counter starts at 1 padded to `width` (default 3): `001`.
 * @throws TomcatPdError `E_USAGE` if `width` is not a whole number from 1 to 20.
 */
export function nextCounterVersion(
  existing: readonly string[],
  options: { width?: number | undefined } = {},
): string {
  const { width } = withDefaults(options, { width: DEFAULT_WIDTH });
  if (!Number.isInteger(width) || width < 1 || width > 20) {
    throw usageError(`The counter width must be a whole number from 1 to 20, not ${String(options.width)}.`);
  }
  const greatest = greatestVersion(existing.filter((v) => COUNTER_PATTERN.test(v)));
  const counter = greatest === undefined ? undefined : parseCounter(greatest);
  if (counter === undefined) return '1'.padStart(width, '0');
  // BigInt: a timestamp-like counter (20250101120000) must not lose precision.
  return counter.prefix + (BigInt(counter.digits) + 1n).toString().padStart(counter.digits.length, '0');
}

/** The answer of {@link checkOrdering}: either go ahead, or what is in the way, why, and how to fix it. */
export type OrderingVerdict =
  | { ok: true }
  | {
      ok: false;
      blocker: { version: string; state: 'running' | 'stopped' };
      reason: string;
      /** How to fix it; its parts name the `version` and `width` options (see hints.ts). */
      hint: HintPart[];
    };

/** A version that exists, running or stopped (a context's state as `list` reports it). */
type Existing = { version: string; state: 'running' | 'stopped' };

/**
 * The ordering invariant: `newVersion` must sort strictly above every existing version of the app,
 * running or stopped (a Tomcat restart starts a stopped version again, and if it sorts higher it
 * takes the new visitors). With `update`, an existing version equal to `newVersion` is allowed (it
 * is replaced in place) as long as nothing sorts above it. `path`, if given, makes the hints'
 * commands copy-pasteable. The caller validates `newVersion` first ({@link validateVersion}).
 *
 * The blocker is the greatest version that is >= `newVersion` (a running one on a tie).
 */
export function checkOrdering(
  newVersion: string,
  existing: readonly Existing[],
  options: { update?: boolean; path?: string } = {},
): OrderingVerdict {
  const blockers = existing
    .filter((e) => {
      const order = compareVersions(e.version, newVersion);
      return order > 0 || (order === 0 && options.update !== true);
    })
    .sort(
      (x, y) =>
        compareVersions(y.version, x.version) ||
        Number(y.state === 'running') - Number(x.state === 'running'),
    );
  const blocker = blockers[0];
  if (blocker === undefined) return { ok: true };
  const all = existing.map((e) => e.version);
  const explained = explain({ newVersion, blocker, blockers, all, path: options.path ?? '<path>' });
  return { ok: false, blocker: { version: blocker.version, state: blocker.state }, ...explained };
}

interface Context {
  newVersion: string;
  /** The greatest of `blockers`: every existing version that keeps `newVersion` from being live. */
  blocker: Existing;
  blockers: readonly Existing[];
  all: readonly string[];
  path: string;
}

type Refusal = { reason: string; hint: HintPart[] };

/** The reason and the hint of a refusal, for the ways a new version can fail to be live. */
function explain(c: Context): Refusal {
  const [n, v] = [c.newVersion, c.blocker.version];
  if (v === n) {
    const reason = `Version ${n} already exists (${c.blocker.state}), and an existing version is only replaced when an update is asked for.`;
    return { reason, hint: chooseAbove(c) };
  }
  const overflow = counterOverflow(c);
  if (overflow !== undefined) return overflow;
  if (c.blocker.state === 'running') {
    return {
      reason: `Version ${n} sorts below the running version ${v}, so it would not be live.`,
      hint: chooseAbove(c),
    };
  }
  const reason = `The stopped version ${v} sorts above ${n}; a Tomcat restart would start it again and it would take new visitors.`;
  const running = c.blockers.find((e) => e.state === 'running')?.version;
  if (running !== undefined) {
    // Undeploying the stopped versions would not be enough.
    const also = running === n ? 'also exists (running)' : `also sorts below the running version ${running}`;
    return { reason: `${reason} And ${n} ${also}.`, hint: chooseAbove(c) };
  }
  const stopped = [...new Set(c.blockers.map((e) => e.version))];
  return { reason, hint: [...undeployFirst(c, stopped), ', or ', ...chooseAbove(c, 'choose')] };
}

/** `1000` after `999` (same prefix, more digits): the counter ran out of digits. */
function counterOverflow(c: Context): Refusal | undefined {
  const [blocker, a, b] = [c.blocker.version, parseCounter(c.newVersion), parseCounter(c.blocker.version)];
  if (a === undefined || b === undefined || a.prefix !== b.prefix || BigInt(a.digits) <= BigInt(b.digits)) {
    return undefined;
  }
  // Never undefined here: a counter has no character above `y` after its leading `z`s.
  const plan = prefixedCounterPlan(blocker, Math.max(4, b.digits.length + 1));
  if (plan === undefined) return undefined;
  const why = /^\d/.test(blocker)
    ? ', which sorts above every all-digit version because letters sort above digits'
    : '';
  const effect =
    c.blocker.state === 'running'
      ? `: new visitors would stay on ${blocker}.`
      : `; ${blocker} is stopped, but a Tomcat restart would start it again and it would take new visitors.`;
  return {
    reason: `Tomcat compares versions as strings, so ${c.newVersion} sorts below ${blocker}${effect}`,
    hint: [
      `The ${b.digits.length}-digit counter has run out of digits. Switch to a prefixed counter${why}: deploy with `,
      ...plan,
      ' For new apps, choose a wider counter from the start (',
      { option: 'width', value: Math.max(5, b.digits.length + 2) },
      ').',
    ],
  };
}

/** How to pick a version that will be live: the next counter if it sorts high enough, else a prefixed one. */
function chooseAbove(c: Context, lead = 'Choose'): HintPart[] {
  const greatest = greatestVersion(c.all) ?? '';
  const next = nextCounterVersion(c.all);
  const version = { option: 'version' } as const;
  if (compareVersions(next, greatest) > 0) {
    return [
      `${lead} a version above ${greatest} with `,
      version,
      ', or leave out ',
      version,
      ` to get the next counter, ${next}.`,
    ];
  }
  const plan = prefixedCounterPlan(greatest, 4);
  if (plan === undefined) {
    return [`No version made of ${ALLOWED} sorts above ${greatest}. `, ...undeployFirst(c, [greatest]), '.'];
  }
  return [`${lead} a version above ${greatest}, e.g. `, ...plan];
}

/**
 * `version r0001; later automatic versions continue r0002, r0003.`: a prefixed counter that sorts
 * above `version`. Its prefix is `version`'s leading `z`s plus a letter above the next character
 * (`r` if that is below `r`: `999` → `r0001`, `r999` → `s0001`, `zz` → `zzr0001`). `undefined` if
 * `version` continues with a character above `z`, which no allowed character beats.
 */
function prefixedCounterPlan(version: string, width: number): HintPart[] | undefined {
  const zs = /^z*/.exec(version)?.[0].length ?? 0;
  const next = version[zs] ?? '';
  if (next > 'y') return undefined;
  const prefix = 'z'.repeat(zs) + (next < 'r' ? 'r' : String.fromCharCode(next.charCodeAt(0) + 1));
  const [first, ...later] = [1, 2, 3].map((n) => prefix + String(n).padStart(width, '0'));
  return [
    { option: 'version', value: first ?? '' },
    `; later automatic versions continue ${later.join(', ')}.`,
  ];
}

/** `Undeploy 010 and 009 first (<undeploy 010> && <undeploy 009>)`, without a full stop. */
function undeployFirst(c: Context, versions: readonly string[]): HintPart[] {
  const commands = versions.flatMap((version, index): HintPart[] => [
    ...(index === 0 ? [] : [' && ']),
    { undeploy: { path: c.path, version } },
  ]);
  return [`Undeploy ${listOf(versions)} first (`, ...commands, ')'];
}

/** `r0041-3f9c2ab` → prefix `r`, digits `0041`, build id `3f9c2ab`; `undefined` for a version that is no counter. */
export function parseCounter(
  version: string,
): { prefix: string; digits: string; buildId: string | undefined } | undefined {
  const match = COUNTER_PATTERN.exec(version);
  return match === null ? undefined : { prefix: match[1] ?? '', digits: match[2] ?? '', buildId: match[3] };
}

/** `a`, `a and b`, `a, b and c`. */
function listOf(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}

function describeChar(ch: string): string {
  return ch === ' ' ? 'a space' : JSON.stringify(ch);
}
