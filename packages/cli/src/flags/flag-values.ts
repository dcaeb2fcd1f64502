/**
 * The values of flags, from the strings commander gives: durations, whole numbers, status
 * ranges, error rates, rollout steps. A mistake is a usage error that names the flag.
 */
import ms from 'ms';
import { UsageError } from '@tomcat-pd/core/errors';
import type { RolloutStep } from '@tomcat-pd/core';

/** Parses `30s`, `5m`, `1h`, `250ms` (the `ms` package); a bare number means seconds. */
export function parseDuration(text: string, option: string): number {
  if (text.trim() === '')
    throw new UsageError(`${option} takes a duration such as 30s, 5m or 1h, not an empty value.`);
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * 1000 : ms(text.trim() as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(`${option} takes a duration such as 30s, 5m or 1h, not "${text}".`);
  }
  return value;
}

/** A duration as a flag takes it: `30s`, `10m`, `1h`. */
export function formatDuration(milliseconds: number): string {
  return ms(milliseconds);
}

/** Parses a whole number option. */
export function parseWholeNumber(text: string, option: string, min = 0): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min) {
    throw new UsageError(
      `${option} takes a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${text}".`,
    );
  }
  return value;
}

/** `200-399` or `200` as a range of statuses. */
export function parseStatusRange(text: string): { min: number; max: number } {
  const match = /^\s*(\d{3})\s*(?:-\s*(\d{3}))?\s*$/.exec(text);
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (match === null || min < 100 || max > 599 || min > max) {
    throw new UsageError(
      `The expected status ${JSON.stringify(text)} is not a status or a range of statuses.`,
      { hint: 'Give it as 200 or 200-399.' },
    );
  }
  return { min, max };
}

/** `5`, `5%`, `0.5 %` → a fraction (`0.05`); anything else, or beyond 100, is a usage error. */
export function parseErrorRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const percent = match === null ? Number.NaN : Number(match[1]);
  if (!(percent >= 0 && percent <= 100)) {
    throw new UsageError(
      `An error rate is a percentage from 0 to 100, written 5 or 5%, not ${JSON.stringify(text)}.`,
    );
  }
  return percent / 100;
}

/** `1,pause:10m,25%,pause,100%` → the steps of a rollout: a number of targets, a share of them, or a pause between two. */
export function parseRolloutSteps(text: string): RolloutStep[] {
  const parts = text.split(',').map((part) => part.trim());
  return parts.map((part): RolloutStep => {
    if (part === 'pause') return { pause: 'manual' };
    if (part.startsWith('pause:'))
      return { pause: 'timed', ms: parseDuration(part.slice('pause:'.length), 'A pause in --steps') };
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (percent !== null) {
      const value = Number(percent[1]);
      if (value > 0 && value <= 100) return { percent: value };
    } else if (/^\d+$/.test(part) && Number(part) > 0) {
      return { count: Number(part) };
    }
    throw new UsageError(
      `A rollout step is a number of targets (2), a share of them (25%) or a pause (pause, pause:10m), not ${JSON.stringify(part)} (in ${JSON.stringify(text)}).`,
    );
  });
}

/** commander's collector of a repeatable option whose values may also be comma-separated. */
export function collectPaths(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((path) => path.trim())];
}

/**
 * Options that only tune another one, given without it, would silently do nothing: the first of
 * them that was given is refused, with `describe(flag)` saying what it needs.
 */
export function refuseStrayOptions(
  given: readonly [string, unknown][],
  describe: (flag: string) => string,
): void {
  const stray = given.find(([, value]) => value !== undefined)?.[0];
  if (stray !== undefined) throw new UsageError(describe(stray));
}
