import { hostname, userInfo } from 'node:os';
import { ErrorCode } from '@tomcat-pd/core/errors';
import { redactSecrets, toTomcatPdError } from '@tomcat-pd/core/internal';

/** The commands that change something, as their events name them. */
export type ChangeKind =
  | 'deploy'
  | 'rollback'
  | 'undeploy'
  | 'drain'
  | 'restart'
  | 'lb-drain'
  | 'lb-maint'
  | 'lb-ready'
  | 'promote'
  | 'abort';

/**
 * What a command declares before it runs (`CommandModule.change`): which change, on which app.
 * `targets` when the command names its own (an lb command's one target); else the selected ones.
 */
export interface ChangeStart {
  event: ChangeKind;
  app?: string | undefined;
  version?: string | undefined;
  buildId?: string | undefined;
  targets?: readonly string[] | undefined;
}

/** What a command that changed something reports at its end: what it learnt while running. */
export interface ChangeDone {
  version?: string | undefined;
  buildId?: string | undefined;
  /** The rollout stopped at a `pause` in its steps: done for now, the release not over (README: Gates). */
  paused?: boolean | undefined;
}

export type ChangeOutcome = 'ok' | 'failed' | 'refused' | 'aborted';

/** The one document per change, for webhooks and the audit file alike (README: Notifications). */
export interface ChangeEvent {
  event: ChangeKind;
  phase: 'start' | 'end';
  app: string | null;
  version: string | null;
  buildId: string | null;
  targets: string[];
  actor: string;
  at: string;
  /** The end only. */
  outcome?: ChangeOutcome;
  /** The end of a change that did not end `ok`: the error's stable code (`E_TOMCAT_FAIL`). */
  code?: string;
  durationMs?: number;
  /** A one-line summary, Slack's `text`. */
  text: string;
}

/** This process's actor ({@link actorOf}): in the change's documents, its hooks, its lock and a paused rollout's record. */
export function currentActor(): string {
  return actorOf(process.env, { userInfo, hostname });
}

/** Who changed it: `$TOMCAT_PD_ACTOR` (a CI job names itself), else `user@host`. */
export function actorOf(
  env: NodeJS.ProcessEnv,
  os: { userInfo(): { username: string }; hostname(): string },
): string {
  const given = env.TOMCAT_PD_ACTOR?.trim();
  if (given) return given;
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // A container's user without a passwd entry: userInfo() throws there.
    user = env.USER ?? 'unknown';
  }
  return `${user}@${os.hostname()}`;
}

/** The start of a change: its document. */
export function startEvent(
  change: ChangeStart,
  targets: readonly string[],
  actor: string,
  now: Date,
): ChangeEvent {
  return describe({
    event: change.event,
    phase: 'start',
    app: change.app ?? null,
    version: change.version ?? null,
    buildId: change.buildId ?? null,
    targets: (change.targets ?? targets).map(targetName),
    actor,
    at: now.toISOString(),
  });
}

/**
 * The end of a change: the start's fields with what the command learnt, its outcome (from the
 * error it threw, by code, never by message) and how long it took.
 */
export function endEvent(
  start: ChangeEvent,
  result: { done: ChangeDone | undefined } | { error: unknown },
  now: Date,
): ChangeEvent {
  const done = 'done' in result ? result.done : undefined;
  const code = 'error' in result ? toTomcatPdError(result.error).code : undefined;
  return describe({
    ...start,
    phase: 'end',
    version: done?.version ?? start.version,
    buildId: done?.buildId ?? start.buildId,
    outcome: outcomeOf(code),
    ...(code === undefined ? {} : { code }),
    durationMs: now.getTime() - Date.parse(start.at),
    at: now.toISOString(),
  });
}

function outcomeOf(code: string | undefined): ChangeOutcome {
  switch (code) {
    case undefined:
      return 'ok';
    case ErrorCode.unsafe:
      return 'refused';
    case ErrorCode.aborted:
      return 'aborted';
    default:
      return 'failed';
  }
}

/** The document with its text, and no secret: every string goes through the CLI's redaction. */
function describe(event: Omit<ChangeEvent, 'text'>): ChangeEvent {
  return JSON.parse(redactSecrets(JSON.stringify({ ...event, text: textOf(event) }))) as ChangeEvent;
}

/** `deploy /shop##004 on web1, web2 by alice@ci-7: ok in 12.3 s (E_PROBE)` */
export function textOf(event: Omit<ChangeEvent, 'text'>): string {
  const app = event.app === null ? '' : ` ${event.app}${event.version === null ? '' : `##${event.version}`}`;
  const targets = event.targets.length === 0 ? '' : ` on ${event.targets.join(', ')}`;
  const how =
    event.phase === 'start'
      ? 'started'
      : `${event.outcome}${event.code === undefined ? '' : ` (${event.code})`} in ${((event.durationMs ?? 0) / 1000).toFixed(1)} s`;
  return `tomcat-pd ${event.event}${app}${targets} by ${event.actor}: ${how}`;
}

/**
 * A target named by its `--url`: its origin and path only. Credentials or a token in a query
 * string stay out of a document that leaves the machine.
 */
function targetName(name: string): string {
  if (!URL.canParse(name)) return name;
  const url = new URL(name);
  return `${url.origin}${url.pathname}`;
}
