import type { Command } from 'commander';

/**
 * `drain --wait --timeout D`, the spelling from before drain had `--wait-timeout` (it collided
 * with the global `--timeout` of each request): still the wait time-out, for now, and the request
 * time-out stays what it would have been. The command's `legacyWaitTimeout` option tells it to
 * warn. Runs as drain's preAction hook.
 */
export function adoptLegacyWaitTimeout(command: Command): void {
  const options = command.opts<{ wait?: boolean; waitTimeout?: string; timeout?: string }>();
  if (
    !options.wait ||
    options.waitTimeout !== undefined ||
    command.getOptionValueSource('timeout') !== 'cli'
  ) {
    return;
  }
  command.setOptionValueWithSource('waitTimeout', options.timeout, 'cli');
  command.setOptionValueWithSource('timeout', undefined, 'default');
  command.setOptionValueWithSource('legacyWaitTimeout', true, 'cli');
}
