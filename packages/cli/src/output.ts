import pc from 'picocolors';
import { FleetOperationError, InternalError, type Logger } from '@tomcat-pd/core';
import { BalancerChangeError } from '@tomcat-pd/core/internal';
import { redactSecrets, toTomcatPdError } from '@tomcat-pd/core/internal';
import { cliWords } from './hint-words.js';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** commander's `--no-color` gives `color: false`. */
  color: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Everything the CLI writes goes through here. stdout carries the result only (one JSON
 * document with `--json`); messages, progress and warnings go to stderr. Colour only on a TTY,
 * never with `NO_COLOR` or `--no-color`. Every line passes through the secret redaction.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly colors: Colors;
  readonly stderrColors: Colors;
  /** Set once the result document is on stdout: a later error then goes to stderr only. */
  #resultWritten = false;

  constructor(
    options: OutputOptions,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.verbose = options.verbose;
    const allowed = options.color && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
    this.colors = pc.createColors(allowed && stdout.isTTY === true);
    this.stderrColors = pc.createColors(allowed && stderr.isTTY === true);
  }

  /** Whether a progress bar may draw on stderr: for people only, like every other message there. */
  get canDrawProgress(): boolean {
    return this.stderr.isTTY === true && !this.quiet && !this.json;
  }

  /** Whether stdout is a terminal (a person watching), not a pipe or a file. */
  get isTerminal(): boolean {
    return this.stdout.isTTY === true;
  }

  /** Draws `text` as the whole screen of a terminal: from the top left corner, the rest cleared. */
  screen(text: string): void {
    this.stdout.write(`\x1b[H\x1b[2J${redactSecrets(text)}\n`);
  }

  /**
   * On a terminal, the width a bar chart may take (a third of the columns, 10 to 40); `undefined`
   * when stdout is a pipe or a file, where the plain table is easier to read and to parse.
   */
  get barWidth(): number | undefined {
    if (!this.isTerminal) return undefined;
    return Math.min(40, Math.max(10, Math.floor((this.stdout.columns || 80) / 3)));
  }

  get stderrStream(): NodeJS.WriteStream {
    return this.stderr;
  }

  /** The command's result: text for people, or the JSON document. */
  result(document: unknown, human: () => string): void {
    this.#resultWritten = true;
    if (this.json) this.stdout.write(`${redactSecrets(JSON.stringify(document, null, 2))}\n`);
    else if (!this.quiet) this.stdout.write(`${redactSecrets(human())}\n`);
  }

  /** One JSON line (a cycle of `drain --every`), or text for people. */
  line(document: unknown, human: () => string): void {
    if (this.json) this.stdout.write(`${redactSecrets(JSON.stringify(document))}\n`);
    else if (!this.quiet) this.stdout.write(`${redactSecrets(human())}\n`);
  }

  /** A message about progress, for people, on stderr. */
  info(text: string): void {
    if (!this.quiet && !this.json) this.stderr.write(`${redactSecrets(text)}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`${this.stderrColors.yellow('warning:')} ${redactSecrets(text)}\n`);
  }

  /**
   * An error: JSON on stdout with `--json` (the one document), and always a line on stderr, its
   * hint in the CLI's words. An unexpected exception is an InternalError that says it is a bug;
   * with `--verbose` its stack follows, for the report.
   */
  error(error: unknown, usage?: string): void {
    const typed = toTomcatPdError(error);
    // One line: it must not break the JSON-lines stream of a periodic drain. And only one document:
    // after a (partial) result, such as a fleet report with a failed target, stdout is complete.
    if (this.json && !this.#resultWritten) {
      this.stdout.write(`${redactSecrets(JSON.stringify({ error: typed.describe(cliWords) }))}\n`);
    }
    const lines = [`${this.stderrColors.red('error:')} ${typed.message}`];
    const hint = typed.hintIn(cliWords);
    if (hint) lines.push(`${this.stderrColors.dim('hint:')} ${hint}`);
    for (const target of typed instanceof FleetOperationError ? typed.targets : []) {
      lines.push(`  ${target.target}: ${target.outcome}${target.error ? ` (${target.error.message})` : ''}`);
    }
    for (const report of typed instanceof BalancerChangeError ? typed.balancers : []) {
      const error = report.error ? ` (${report.error.message})` : '';
      lines.push(`  ${report.balancer} (${report.member}): ${report.outcome}${error}`);
    }
    if (this.verbose && typed instanceof InternalError && typed.stack !== undefined) lines.push(typed.stack);
    if (usage) lines.push(usage);
    this.stderr.write(`${redactSecrets(lines.join('\n'))}\n`);
  }

  /** The library's logger: `--verbose` shows debug lines, `--quiet` hides info. */
  get logger(): Logger {
    const write = (prefix: string) => (message: string) =>
      this.stderr.write(`${this.stderrColors.dim(prefix)}${redactSecrets(message)}\n`);
    return {
      ...(this.verbose ? { debug: write('debug: ') } : {}),
      ...(this.quiet || this.json ? {} : { info: write('') }),
      warn: write('warning: '),
      error: write('error: '),
    };
  }
}
