/**
 * HAProxy's runtime API answers every mistake with a line of text and no code (docs/balancers/haproxy.md):
 * each text it is known to give is classified here, once, into a kind that the driver decides on.
 */
export type HaproxyRefusalKind =
  /** `No such server.`: the backend has no server of that name. */
  | 'no-such-server'
  /** `No such backend.` (set server), `Can't find backend.` (show servers state), `No such proxy.` (show stat). */
  | 'no-such-backend'
  /** `Permission denied`: the socket's `level` is below what the command needs (`admin` to set a state). */
  | 'permission-denied'
  /** `Unknown command, ...`: a command this HAProxy does not have. */
  | 'unknown-command'
  /** `Require 'backend/server'.`: a server named without its backend. */
  | 'require-backend-server'
  /** `'set server <srv> state' expects 'ready', 'drain' and 'maint'.` */
  | 'bad-state'
  /** Any other text where an answer of the protocol was expected. */
  | 'unexpected';

/** An error answer of HAProxy: its kind, and its text shortened for a message. */
export interface HaproxyRefusal {
  readonly kind: HaproxyRefusalKind;
  readonly text: string;
}

/** A parsed answer, or the refusal HAProxy gave instead. */
export type HaproxyAnswer<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: HaproxyRefusal };

/** The first line of each error text HAProxy 2.6 gives (fixtures/haproxy/README.md records each). */
const CATALOGUE: readonly (readonly [RegExp, HaproxyRefusalKind])[] = [
  [/^No such server\.$/, 'no-such-server'],
  [/^(No such backend\.|Can't find backend\.|No such proxy\.)$/, 'no-such-backend'],
  [/^Permission denied$/, 'permission-denied'],
  [/^Unknown command/, 'unknown-command'],
  [/^Require 'backend\/server'\.$/, 'require-backend-server'],
  [/^'set server <srv> state' expects /, 'bad-state'],
];

/** At most this much of an answer goes into a message: enough to recognise it. */
const SHOWN_CHARS = 200;

/** An answer shortened for a message: its lines joined, cut at {@link SHOWN_CHARS}. */
export function shortenAnswer(text: string): string {
  const oneLine = text.trim().replace(/\s*\n\s*/g, ' | ');
  return oneLine.length > SHOWN_CHARS ? `${oneLine.slice(0, SHOWN_CHARS)}...` : oneLine;
}

/** The refusal an answer is, when its first line is one of HAProxy's error texts; else undefined. */
export function knownRefusal(text: string): HaproxyRefusal | undefined {
  const first = text.trimStart().split('\n', 1)[0]?.trimEnd() ?? '';
  const kind = CATALOGUE.find(([pattern]) => pattern.test(first))?.[1];
  return kind === undefined ? undefined : { kind, text: shortenAnswer(text) };
}

/** The refusal an answer that is not the protocol expected is: a known text, or `unexpected`. */
export function refusalOf(text: string): HaproxyRefusal {
  return knownRefusal(text) ?? { kind: 'unexpected', text: shortenAnswer(text) || '(an empty answer)' };
}

/**
 * Whether a dump (`show ...`) arrived whole: HAProxy ends every dump with an empty line, so an
 * answer cut short by a closed connection lacks it (and may still look like valid rows).
 */
export function isWholeDump(text: string): boolean {
  return text.endsWith('\n\n');
}

/** A failed parse, as an answer. */
export function refused<T>(text: string): HaproxyAnswer<T> {
  return { ok: false, refusal: refusalOf(text) };
}

/**
 * The answer to a setter (`set server B/S state X`): HAProxy prints only an empty line when it
 * applied the change, so any other text is a refusal.
 */
export function parseSetterAnswer(text: string): HaproxyAnswer<undefined> {
  return text.trim() === '' ? { ok: true, value: undefined } : refused(text);
}
