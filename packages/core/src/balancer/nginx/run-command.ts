import { execFile } from 'node:child_process';

/** How a command (nginx's test or reload) ended. */
export type CommandOutcome =
  | { readonly kind: 'ok' }
  /** It ran and exited with another code than 0, or was ended by a signal of its own. */
  | { readonly kind: 'failed'; readonly exitCode: number | undefined; readonly stderr: string }
  /** It ran out of time and was killed. */
  | { readonly kind: 'timed-out'; readonly stderr: string }
  /** It could not be started (`ENOENT`: no such program). */
  | { readonly kind: 'not-run'; readonly reason: string }
  | { readonly kind: 'aborted' };

export interface RunOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs a command given as words, without a shell (no word is ever interpreted), and says how it
 * ended. Never rejects: the driver decides what each outcome means for the file.
 */
export function runCommand(words: readonly string[], options: RunOptions): Promise<CommandOutcome> {
  const [file = '', ...args] = words;
  if (options.signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs, signal: options.signal, encoding: 'utf8', windowsHide: true },
      (error, _stdout, stderr) => {
        if (error === null) return resolve({ kind: 'ok' });
        if (options.signal?.aborted) return resolve({ kind: 'aborted' });
        if (typeof error.code === 'string') {
          return resolve({ kind: 'not-run', reason: `${error.code} (${file})` });
        }
        // execFile kills a command that runs out of time with SIGTERM and says so in `killed`.
        if (error.killed) return resolve({ kind: 'timed-out', stderr });
        resolve({ kind: 'failed', exitCode: error.code ?? undefined, stderr });
      },
    );
  });
}
