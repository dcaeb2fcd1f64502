import type cliProgress from 'cli-progress';
import type { Logger, UploadProgress } from '@tomcat-pd/core';
import { redactSecrets } from '@tomcat-pd/core/internal';
import type { Output } from './output.js';

/**
 * Draws the uploads of a deploy to several targets: one progress line per target. Every method
 * is safe to call at any time, and more than once.
 */
export interface FleetProgress {
  /** The latest progress of one target's upload. */
  update(target: string, progress: UploadProgress): void;
  /** The upload to `target` is done and Tomcat now starts the context: says so, once per target. */
  starting(target: string, displayName: string): void;
  /** The logger, with its lines written above the bars while they are drawn. */
  logger(logger: Logger): Logger;
  /** Removes the bars (also after an error, so that its message is not written over them). */
  stop(): void;
}

/**
 * Progress lines on stderr for the uploads of a deploy: `web1 [====----] 40% | 60.0 MB / 150.0 MB
 * | 41.0 MB/s`, one per target, in one cli-progress MultiBar. Without a TTY (a CI log, a pipe),
 * with `--quiet` or `--json` there are no bars: messages go through `output.info` and the logger
 * as they are. cli-progress throttles the redraws, so `update` may be fed every chunk.
 */
export async function createFleetProgress(
  output: Output,
  targets: readonly string[],
): Promise<FleetProgress> {
  const waiting = new Set<string>();
  const say = (target: string, displayName: string, write: (text: string) => void) => {
    if (waiting.has(target)) return;
    waiting.add(target);
    write(`waiting for Tomcat to start ${displayName} on ${target}`);
  };
  if (!output.canDrawProgress) {
    return {
      update: () => undefined,
      starting: (target, displayName) => say(target, displayName, (text) => output.info(text)),
      logger: (logger) => logger,
      stop: () => undefined,
    };
  }
  // Loaded only for a person at a terminal: scripts and CI logs never draw bars.
  const { default: bars } = await import('cli-progress');
  return new BarsOnTty(bars, output, targets, say);
}

/**
 * Erases the whole line first: cli-progress writes logged lines where the bars were, and a short
 * line would leave the end of a bar visible after it.
 */
const CLEAR_LINE = '\x1b[2K';

/** One bar per target on a TTY; bars appear as uploads start and all go once none is moving. */
class BarsOnTty implements FleetProgress {
  /** The MultiBar while at least one upload moves; a new one after all stopped (a canary's second wave). */
  #multi: cliProgress.MultiBar | undefined;
  readonly #bars = new Map<string, { bar: cliProgress.SingleBar; startedAt: number; moving: boolean }>();
  readonly #width: number;
  #stopped = false;

  constructor(
    private readonly bars: typeof cliProgress,
    private readonly output: Output,
    targets: readonly string[],
    private readonly say: (target: string, displayName: string, write: (text: string) => void) => void,
  ) {
    this.#width = Math.max(0, ...targets.map((target) => target.length));
  }

  update(target: string, progress: UploadProgress): void {
    if (this.#stopped) return;
    const known = this.#bars.get(target);
    if (known === undefined) {
      // Created on the target's first event: only then is the total known.
      this.#multi ??= new this.bars.MultiBar(
        {
          stream: this.output.stderrStream,
          format: '{target} [{bar}] {percentage}% | {sent} / {size} | {rate}',
          barCompleteChar: '=',
          barIncompleteChar: '-',
          barsize: 30,
          fps: 10,
          hideCursor: true,
          // A logged line takes the place of a bar: every bar is drawn again, also an unchanged one.
          forceRedraw: true,
          // The "waiting for Tomcat to start" lines follow; finished bars would only repeat them.
          clearOnComplete: true,
        },
        this.bars.Presets.legacy,
      );
      const startedAt = Date.now();
      const bar = this.#multi.create(
        progress.totalBytes,
        progress.sentBytes,
        this.#payload(target, progress, startedAt),
      );
      this.#bars.set(target, { bar, startedAt, moving: true });
      return;
    }
    if (known.moving) known.bar.update(progress.sentBytes, this.#payload(target, progress, known.startedAt));
  }

  starting(target: string, displayName: string): void {
    const known = this.#bars.get(target);
    if (known?.moving) {
      known.bar.update(known.bar.getTotal());
      known.moving = false;
    }
    this.say(target, displayName, (text) => this.#write(text));
    // Every upload that started is done: the bars go, the next lines are plain again.
    if ([...this.#bars.values()].every((entry) => !entry.moving)) this.#clear();
  }

  logger(logger: Logger): Logger {
    const colors = this.output.stderrColors;
    const through =
      (prefix: string, write: (message: string) => void) =>
      (message: string): void => {
        if (this.#multi === undefined) write(message);
        else this.#multi.log(`${CLEAR_LINE}${colors.dim(prefix)}${redactSecrets(message)}\n`);
      };
    return {
      ...(logger.debug ? { debug: through('debug: ', logger.debug.bind(logger)) } : {}),
      ...(logger.info ? { info: through('', logger.info.bind(logger)) } : {}),
      ...(logger.warn ? { warn: through('warning: ', logger.warn.bind(logger)) } : {}),
      ...(logger.error ? { error: through('error: ', logger.error.bind(logger)) } : {}),
    };
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clear();
  }

  /** A message for people on stderr, above the bars while they are drawn. */
  #write(text: string): void {
    // Written straight to stderr, a line would land in the middle of the bars.
    if (this.#multi === undefined) this.output.info(text);
    else this.#multi.log(`${CLEAR_LINE}${redactSecrets(text)}\n`);
  }

  /** Flushes the lines logged above the bars, then removes the bars. */
  #clear(): void {
    const multi = this.#multi;
    if (multi === undefined) return;
    this.#multi = undefined;
    multi.update();
    multi.stop();
    // A second wave (after a canary) gets a new MultiBar with its own bars.
    this.#bars.clear();
  }

  #payload(target: string, progress: UploadProgress, startedAt: number) {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? progress.sentBytes / seconds / 1e6 : 0;
    return {
      target: target.padEnd(this.#width),
      sent: formatBytes(progress.sentBytes),
      size: formatBytes(progress.totalBytes),
      rate: `${rate.toFixed(1)} MB/s`,
    };
  }
}

/** `512.0 kB`, `12.3 MB` (decimal units, as the rate). */
export function formatBytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
