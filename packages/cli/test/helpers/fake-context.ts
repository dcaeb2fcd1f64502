/** A CliContext for unit tests: a real Output writing to fake streams, and no Tomcat. */
import { Output, type OutputOptions } from '../../src/output.js';
import type { CliContext } from '../../src/context.js';

/** A stand-in for process.stdout/stderr: records what is written; `isTTY` as given. */
export class FakeStream {
  readonly chunks: string[] = [];
  private readonly waiting: (() => void)[] = [];
  constructor(readonly isTTY: boolean) {}
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    for (const wake of this.waiting.splice(0)) wake();
    return true;
  }
  /** Resolves at the next write: what a command prints once something happened (serve, listening). */
  nextWrite(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/**
 * A context whose output goes to two FakeStreams. Colours need `tty` (and `NO_COLOR` unset or
 * empty); `clients()` and `balancers()` reject: a unit test never connects.
 */
export function fakeContext(options: Partial<OutputOptions> = {}, tty = false) {
  const stdout = new FakeStream(tty);
  const stderr = new FakeStream(tty);
  const output = new Output(
    { json: false, quiet: false, verbose: false, color: true, ...options },
    stdout as unknown as NodeJS.WriteStream,
    stderr as unknown as NodeJS.WriteStream,
  );
  const context: CliContext = {
    output,
    signal: new AbortController().signal,
    clients: () => Promise.reject(new Error('a unit test does not connect')),
    balancers: () => Promise.reject(new Error('a unit test does not connect')),
    config: undefined,
    defaults: {},
    parallel: 4,
  };
  return { context, stdout, stderr };
}

/** Any ANSI escape sequence (colour, dim, reset). */
export const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

/** picocolors' wrapping of `text` in the SGR code `open` and its closing code. */
export function sgr(open: number, close: number, text: string): string {
  const esc = String.fromCharCode(27);
  return `${esc}[${open}m${text}${esc}[${close}m`;
}
