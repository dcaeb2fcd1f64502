import type { Balancer } from '../../balancer/balancer.js';
import type { AdminState } from '../../balancer/member-state.js';
import { UnsafeOperationError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { ContextEntry } from '../../manager/parse/types.js';
import { tellColours, type Colours, type ColoursReading, type ColoursUntold } from '../lb/colours.js';
import { readBalancers } from '../lb/set-target-state.js';
import { visitorSessions } from '../lb/visitor-sessions.js';
import type { RunContext } from '../run-context.js';

/** The colours now, and what they were told from. */
export interface ColoursNow {
  readonly reading: ColoursReading;
  /** Each target's `list`, by target (absent: it could not be read). */
  readonly lists: ReadonlyMap<string, readonly ContextEntry[]>;
  /** Each target's visitors' sessions, by target (undefined: unread). */
  readonly sessions: ReadonlyMap<string, number | undefined>;
  /** Each target's admin state on each balancer that has it, by target: what a refusal names. */
  readonly states: ReadonlyMap<string, Readonly<Record<string, AdminState>>>;
  /** Why a target's `list` could not be read, by target. */
  readonly unread: ReadonlyMap<string, TomcatPdError>;
}

/**
 * Every balancer read (one that cannot be read fails it, nothing changed) and every target's
 * `list` (its visitors' sessions; one that cannot be read counts as still having some), at once;
 * then the colours told from them (`tellColours`).
 */
export async function readColours(
  balancers: readonly Balancer[],
  clients: readonly ManagerClient[],
  context: RunContext,
): Promise<ColoursNow> {
  const [read, lists] = await Promise.all([
    readBalancers(balancers, context),
    Promise.all(
      clients.map((client) =>
        client.list({ signal: context.signal }).then(
          (entries) => ({ client, entries, error: undefined }),
          (error: unknown) => ({ client, entries: undefined, error: toTomcatPdError(error) }),
        ),
      ),
    ),
  ]);
  const sessionsOf = new Map(
    lists.map(({ client, entries }) => [
      client.name,
      entries === undefined ? undefined : visitorSessions(entries, client),
    ]),
  );
  const targets = clients.map((client) => client.name);
  const states = new Map(
    targets.map((target) => [
      target,
      Object.fromEntries(
        read.flatMap(({ balancer, reading }) => {
          const member = reading.members.find((candidate) => candidate.name === balancer.memberName(target));
          return member === undefined ? [] : [[balancer.name, member.admin]];
        }),
      ),
    ]),
  );
  return {
    reading: tellColours(read, targets, sessionsOf),
    sessions: sessionsOf,
    lists: new Map(
      lists.flatMap(({ client, entries }) => (entries === undefined ? [] : [[client.name, entries]])),
    ),
    states,
    unread: new Map(
      lists.flatMap(({ client, error }) => (error === undefined ? [] : [[client.name, error]])),
    ),
  };
}

/** The colours now, or the refusal (`E_UNSAFE`, rule `colours-untold`) naming each target's state. */
export async function tellColoursNow(
  balancers: readonly Balancer[],
  clients: readonly ManagerClient[],
  context: RunContext,
): Promise<ColoursNow & { colours: Colours }> {
  const now = await readColours(balancers, clients, context);
  if (!now.reading.told) throw coloursUntoldError(now.reading.untold, now.states);
  return { ...now, colours: now.reading.colours };
}

const WHY: Readonly<Record<ColoursUntold['reason'], string>> = {
  'no-member': 'a target is a member of no balancer',
  mixed: 'a target has different states on different balancers',
  'none-live': 'no target is ready on the balancers, so none is live',
  'none-idle': 'every target is ready, so none is idle to take the release',
};

/** The refusal of colours that cannot be told apart, naming the state of each target. */
export function coloursUntoldError(
  untold: ColoursUntold,
  states: ReadonlyMap<string, Readonly<Record<string, AdminState>>>,
): UnsafeOperationError {
  const each = [...states]
    .map(([target, on]) => {
      const entries = Object.entries(on);
      if (entries.length === 0) return `${target}: no member`;
      const distinct = new Set(Object.values(on));
      return distinct.size === 1
        ? `${target}: ${entries[0]![1]}`
        : `${target}: ${entries.map(([balancer, state]) => `${state} on ${balancer}`).join(', ')}`;
    })
    .join('; ');
  return new UnsafeOperationError(
    'colours-untold',
    `Refusing blue/green: the colours cannot be told apart (${WHY[untold.reason]}). ${each}. Nothing was changed.`,
    {
      hint: 'Blue/green needs one colour ready on every balancer and the other in maint (lb maint), or drained with no session left.',
    },
  );
}

/** A told target's state (the same on every balancer that has it): what a switch puts it back to. */
export function stateOf(now: ColoursNow, target: string): AdminState {
  return Object.values(now.states.get(target) ?? {})[0] ?? 'maint';
}

/**
 * The colours read again once the work is done, for the report: a balancer that cannot be read
 * now does not undo what was done, so it is said (a warning) and the colours are left unknown.
 */
export async function coloursAfter(
  balancers: readonly Balancer[],
  clients: readonly ManagerClient[],
  context: RunContext,
): Promise<ColoursReading | undefined> {
  try {
    return (await readColours(balancers, clients, context)).reading;
  } catch (caught) {
    context.logger.warn?.(`The colours could not be read again: ${toTomcatPdError(caught).message}`);
    return undefined;
  }
}
