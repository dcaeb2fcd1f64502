import type { LockHolder } from '@tomcat-pd/core/internal';

/** `2026-12-07 23:05:00 UTC` */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `locked by alice@ci7 (deploy, since 2026-12-07 23:05:00 UTC, until 23:20:00 UTC)`: how every view names a holder. */
export function lockedBy(holder: LockHolder): string {
  const until = holder.paused
    ? 'paused: promote or abort'
    : `${holder.expired ? 'expired' : 'until'} ${utcTime(holder.expires!)}`;
  return `locked by ${holder.actor} (${holder.command}, since ${utcTime(holder.since)}, ${until})`;
}

/** What a holder's lock covers: `/shop`, or `the whole target`. */
export function lockScopeWords(holder: LockHolder): string {
  return holder.scope.kind === 'app' ? holder.scope.path : 'the whole target';
}

/** A holder as JSON. */
export function holderDocument(holder: LockHolder) {
  return {
    scope: holder.scope,
    actor: holder.actor,
    command: holder.command,
    since: holder.since.toISOString(),
    expires: holder.expires === undefined ? null : holder.expires.toISOString(),
    paused: holder.paused,
    expired: holder.expired,
  };
}
