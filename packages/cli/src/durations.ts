import ms from 'ms';
import { UsageError } from '@tomcat-pd/core';

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
