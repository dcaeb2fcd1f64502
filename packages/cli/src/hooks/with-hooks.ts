import { isTomcatPdError } from '@tomcat-pd/core/errors';
import { redactSecrets, toTomcatPdError } from '@tomcat-pd/core/internal';
import { endEvent, type ChangeDone, type ChangeEvent, type ChangeKind } from '../events/change-event.js';
import type { Output } from '../output.js';
import { hookEnvironment } from './hook-env.js';
import type { HookName, HooksConfig } from './hook-config.js';
import { runHook } from './run-hook.js';

/** The hooks of each kind of change besides `on-failure`, which every kind has. */
const MOMENTS: Readonly<Partial<Record<ChangeKind, { before?: HookName; after?: HookName }>>> = {
  deploy: { before: 'before-deploy', after: 'after-deploy' },
  rollback: { after: 'after-rollback' },
  restart: { after: 'after-restart' },
  // A promote ends the release a pause stopped, and an abort undoes it (README: Gates).
  promote: { after: 'after-deploy' },
  abort: { after: 'after-rollback' },
};

/** A signal that never fires: `on-failure` after a Ctrl-C still runs (its timeout bounds it). */
const NEVER = new AbortController().signal;

/**
 * The change's run with its hooks around it, once for the whole change whatever the number of
 * targets (README: Hooks): `before-*` first, whose failure stops the change before anything
 * changed; then `after-*` once it is done, or `on-failure` once it failed (the before hook's
 * failure included). The command's outcome is the change's: a failing `after-*` or `on-failure`
 * hook is a warning, the change being done (or its error going on unchanged).
 */
export function withHooks(
  hooks: HooksConfig,
  output: Output,
  signal: AbortSignal,
  run: () => Promise<ChangeDone | void>,
): (start: ChangeEvent) => Promise<ChangeDone | void> {
  return async (start) => {
    const { before, after } = MOMENTS[start.event] ?? {};
    const hook = (name: HookName, event: ChangeEvent, stop: AbortSignal) => {
      const command = hooks.commands[name];
      if (command === undefined) return Promise.resolve();
      output.info(`The ${name} hook runs.`);
      return runHook({
        hook: name,
        command,
        env: hookEnvironment(name, event),
        cwd: hooks.cwd,
        timeoutMs: hooks.timeoutMs,
        signal: stop,
        // The hook's own output, not our progress: on stderr with --json too, as restart's command's.
        onLine: (line) => {
          if (!output.quiet) output.stderrStream.write(`${redactSecrets(`[${name}] ${line}`)}\n`);
        },
      });
    };
    let done: ChangeDone | void;
    try {
      if (before !== undefined) {
        await hook(before, start, signal).catch((error: unknown) => {
          throw isTomcatPdError(error)
            ? error.withNote(`Nothing was changed: the ${start.event} did not start.`)
            : error;
        });
      }
      done = await run();
    } catch (error) {
      const failed = endEvent(start, { error }, new Date());
      await hook('on-failure', failed, signal.aborted ? NEVER : signal).catch((problem: unknown) =>
        output.warn(`${toTomcatPdError(problem).message} The ${start.event}'s own error follows.`),
      );
      throw error;
    }
    // A rollout stopped at a pause is not released yet: its promote runs after-deploy.
    if (after !== undefined && done?.paused !== true) {
      await hook(after, endEvent(start, { done: done ?? undefined }, new Date()), signal).catch(
        (problem: unknown) =>
          output.warn(
            `${toTomcatPdError(problem).message} The ${start.event} itself is done: the exit code says so.`,
          ),
      );
    }
    return done;
  };
}
