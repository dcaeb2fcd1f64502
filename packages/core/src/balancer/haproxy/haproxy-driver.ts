import { UsageError } from '../../errors/error-classes.js';
import type { SpecOf } from '../balancer-options.js';
import type { BalancerDriver, DriverCallOptions } from '../balancer-driver.js';
import type { AdminState, BalancerReading } from '../member-state.js';
import { parseSetterAnswer, type HaproxyAnswer } from './haproxy-answer.js';
import {
  SHOW_BACKEND,
  SHOW_INFO,
  invalidName,
  setServerState,
  showServersState,
  showStat,
} from './haproxy-command.js';
import { refusalError } from './haproxy-errors.js';
import { joinMembers } from './haproxy-reading.js';
import { parseBackends } from './parse-backends.js';
import { parseInfo } from './parse-info.js';
import { parseServersState } from './parse-servers-state.js';
import { parseStat } from './parse-stat.js';
import { runCommand, verbOf, type RuntimeEndpoint } from './runtime-client.js';
import { parseSocketAddress } from './socket-address.js';

/**
 * The driver of one HAProxy backend over its runtime API (`stats socket ... level admin`):
 * `read` joins `show servers state`, `show stat` and `show info` (three commands, each on its
 * own connection, at once); `send` is `set server <backend>/<member> state ready|drain|maint`.
 * A wrong backend or member, or a `socket` that is no address, is a `UsageError` (bad input,
 * nothing changed); an unreachable or silent socket a `ConnectionError`; any other refusal a
 * `BalancerError` with HAProxy's text.
 * @throws UsageError for a `socket` or `backend` that cannot be HAProxy's.
 */
export function createHaproxyDriver(spec: SpecOf<'haproxy'>): BalancerDriver {
  const socket = parseSocketAddress(spec.socket);
  if (socket === undefined) {
    throw new UsageError(
      `Balancer ${spec.name}: "socket" must be a UNIX socket's path or tcp://host:port, not ${spec.socket}.`,
    );
  }
  checkName(spec, 'backend', spec.backend);
  const endpoint: RuntimeEndpoint = {
    balancer: spec.name,
    address: spec.socket,
    socket,
    timeoutMs: spec.timeoutMs,
    tunnel: spec.tunnel,
  };

  /** Runs one command and gives its parsed value, or throws the error its refusal is. */
  const ask = async <T>(
    command: string,
    parse: (text: string) => HaproxyAnswer<T>,
    options: DriverCallOptions,
    member?: string,
  ): Promise<T> => {
    const answer = parse(await runCommand(endpoint, command, options.signal));
    if (answer.ok) return answer.value;
    // A missing backend or server is told with what HAProxy has instead (one more command).
    const { kind } = answer.refusal;
    const known =
      kind === 'no-such-backend'
        ? await listed(SHOW_BACKEND, parseBackends, options)
        : kind === 'no-such-server'
          ? await listed(showServersState(spec.backend), serverNames, options)
          : undefined;
    throw refusalError(answer.refusal, {
      balancer: spec.name,
      address: spec.socket,
      backend: spec.backend,
      verb: verbOf(command),
      member,
      known,
    });
  };

  /** The names a command lists, for a message; `?` when it cannot tell (its own failure is not the story). */
  const listed = async (
    command: string,
    parse: (text: string) => HaproxyAnswer<string[]>,
    options: DriverCallOptions,
  ): Promise<string> => {
    const answer = await runCommand(endpoint, command, options.signal).then(parse, () => undefined);
    return answer?.ok === true ? answer.value.join(', ') || 'none' : '?';
  };

  return {
    name: spec.name,
    type: 'haproxy',
    address: spec.socket,

    async read(options = {}): Promise<BalancerReading> {
      const [states, stats, info] = await Promise.all([
        ask(showServersState(spec.backend), parseServersState, options),
        ask(showStat(spec.backend), parseStat, options),
        ask(SHOW_INFO, parseInfo, options),
      ]);
      return {
        balancer: spec.name,
        type: 'haproxy',
        members: joinMembers(spec.backend, states, stats),
        generation: info.generation,
      };
    },

    async send(member: string, state: AdminState, options = {}): Promise<void> {
      checkName(spec, 'member', member);
      await ask(setServerState(spec.backend, member, state), parseSetterAnswer, options, member);
    },
  };
}

/** The names of the servers in a `show servers state` answer. */
function serverNames(text: string): HaproxyAnswer<string[]> {
  const answer = parseServersState(text);
  return answer.ok ? { ok: true, value: answer.value.map((row) => row.server) } : answer;
}

/** A backend or member name HAProxy cannot have is bad input, refused before anything is sent. */
function checkName(spec: SpecOf<'haproxy'>, field: 'backend' | 'member', name: string): void {
  const why = invalidName(name);
  if (why !== undefined) {
    throw new UsageError(
      `Balancer ${spec.name} (${spec.socket}): the ${field} name ${JSON.stringify(name)} cannot be HAProxy's: ${why}.`,
    );
  }
}
