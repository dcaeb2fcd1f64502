import { setMaxListeners } from 'node:events';
import { CommanderError } from '@commander-js/extra-typings';
import { redactSecrets, toTomcatPdError } from '@tomcat-pd/core/internal';
import { ReportedError, exitCodeFor } from './exit-codes.js';
import { cliWords } from './hint-words.js';
import { buildProgram } from './program.js';

/**
 * The entry point. SIGINT and SIGTERM abort the running command through its AbortSignal (a
 * periodic drain then finishes its cycle's step and exits 0); a second signal exits at once.
 */
async function main(): Promise<number> {
  const controller = new AbortController();
  // The library's fleet calls give their requests a signal of their own, but serve listens to this
  // one once per target (a read loop and its pause each), and Node's leak warning from the 11th
  // listener would be noise on stderr.
  setMaxListeners(0, controller.signal);
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `tomcat-pd --help | head -1`: the reader left; what is left to write has no one to read it.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const program = buildProgram(controller.signal);
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof ReportedError) return exitCodeFor(error.reported);
    // commander has printed its own message (and the usage) for a parse error on stderr.
    if (!(error instanceof CommanderError)) writeUnreported(error);
    else if (error.exitCode !== 0 && process.argv.includes('--json')) writeJsonUsageError(error);
    return exitCodeFor(error);
  }
}

/** An error outside any command (a bug: the command's own errors are reported by it), said as such. */
function writeUnreported(error: unknown): void {
  const typed = toTomcatPdError(error);
  const hint = typed.hintIn(cliWords);
  process.stderr.write(
    redactSecrets(`error: ${typed.message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`),
  );
}

/** With --json, a command-line error is still the one JSON document on stdout. */
function writeJsonUsageError(error: CommanderError): void {
  const message = error.message.replace(/^error: /, '');
  process.stdout.write(`${JSON.stringify({ error: { name: 'UsageError', code: 'E_USAGE', message } })}\n`);
}

process.exitCode = await main();
