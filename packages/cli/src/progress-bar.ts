import cliProgress from 'cli-progress';
import type { UploadProgress } from '@tomcat-pd/core';
import type { Output } from './output.js';

/** Draws the progress of one upload; every method is safe to call at any time, and more than once. */
export interface UploadProgressBar {
  update(progress: UploadProgress): void;
  stop(): void;
}

const NO_BAR: UploadProgressBar = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar on stderr for an upload: bytes sent of the total, and the rate. Without a TTY
 * (a CI log, a pipe) or with `--quiet` it is a no-op object, so callers never branch on it.
 * cli-progress throttles the redraws (`fps`), so it may be fed every chunk.
 */
export function createUploadProgress(output: Output, label: string): UploadProgressBar {
  if (!output.canDrawProgress) return NO_BAR;
  const bar = new cliProgress.SingleBar(
    {
      stream: output.stderrStream,
      format: `${label} [{bar}] {percentage}% | {sent} / {size} | {rate}`,
      barCompleteChar: '=',
      barIncompleteChar: '-',
      barsize: 30,
      fps: 10,
      hideCursor: true,
      // The "waiting for Tomcat to start" line follows; a finished bar would only repeat it.
      clearOnComplete: true,
    },
    cliProgress.Presets.legacy,
  );
  let startedAt: number | undefined;
  let isStopped = false;
  return {
    update(progress) {
      if (isStopped) return;
      const payload = payloadOf(progress, startedAt ?? Date.now());
      if (startedAt === undefined) {
        // Started on the first event: only then is the total known.
        startedAt = Date.now();
        bar.start(progress.totalBytes, progress.sentBytes, payload);
      } else {
        bar.update(progress.sentBytes, payload);
      }
    },
    stop() {
      if (isStopped) return;
      isStopped = true;
      if (startedAt !== undefined) bar.stop();
    },
  };
}

function payloadOf(progress: UploadProgress, startedAt: number) {
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = seconds > 0 ? progress.sentBytes / seconds / 1e6 : 0;
  return {
    sent: formatBytes(progress.sentBytes),
    size: formatBytes(progress.totalBytes),
    rate: `${rate.toFixed(1)} MB/s`,
  };
}

/** `512.0 kB`, `12.3 MB` (decimal units, as the rate). */
export function formatBytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}
