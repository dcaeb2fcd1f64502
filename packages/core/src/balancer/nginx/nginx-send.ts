import { NO_ANSWER } from '../../manager/http-get.js';
import { AbortedError, BalancerError, ConnectionError, UsageError } from '../../errors/error-classes.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { SpecOf } from '../balancer-options.js';
import type { AdminState } from '../member-state.js';
import { awaitGeneration, GenerationNotServedError, type GenerationProof } from './await-generation.js';
import { renderNginxFile } from './nginx-file.js';
import { readMarker } from './nginx-marker.js';
import { fileError, findManagedFile, nextState } from './nginx-state.js';
import { acceptingWorkersBeside } from './nginx-workers.js';
import { restoreManagedFile, writeFileAtomically } from './managed-file.js';
import { runCommand, type CommandOutcome } from './run-command.js';

/**
 * Gives `member` the admin state `admin`: asks the marker first (nothing is written unless nginx
 * can prove the change afterwards), writes the new file, has nginx test it, reloads, and waits
 * until every new connection gets the new file. When the test or the reload fails, or nginx never
 * serves the new file, the old file is put back and the error says so: nginx still runs it.
 */
export async function sendNginx(
  spec: SpecOf<'nginx'>,
  member: string,
  admin: AdminState,
  signal?: AbortSignal,
): Promise<GenerationProof> {
  if (!Object.hasOwn(spec.servers, member)) {
    throw new UsageError(
      `Balancer ${spec.name} has no member ${member}; its members: ${Object.keys(spec.servers).join(', ')}.`,
    );
  }
  const found = await findManagedFile(spec);
  const served = await readMarker(spec, signal);
  const before = served.pid === undefined ? undefined : await acceptingWorkersBeside(served.pid);
  const next = nextState(spec, found.state, { member, admin });
  await writeFileAtomically(spec.file, renderNginxFile(next)).catch((error: unknown) => {
    throw fileError(spec, 'write', error);
  });
  const putBack = async (error: TomcatPdError): Promise<never> => {
    await restoreManagedFile(spec.file, found.text);
    throw error.withNote(`The old file is back in ${spec.file}; nginx still runs it.`);
  };
  const tested = await runCommand(spec.test, { timeoutMs: spec.timeoutMs, signal });
  if (tested.kind !== 'ok') return putBack(commandError(spec, member, 'test', tested));
  const reloaded = await runCommand(spec.reload, { timeoutMs: spec.timeoutMs, signal });
  if (reloaded.kind !== 'ok') return putBack(commandError(spec, member, 'reload', reloaded));
  try {
    return await awaitGeneration(spec, next.generation, before, signal);
  } catch (error) {
    // nginx never served the new file: its master kept the old configuration (which it does when
    // the reloaded one fails), so the file goes back to what it runs.
    if (error instanceof GenerationNotServedError && !error.newGenerationSeen) return putBack(error);
    throw error;
  }
}

/** What a failed `test` or `reload` means, with nginx's own words (shortened). */
function commandError(
  spec: SpecOf<'nginx'>,
  member: string,
  which: 'test' | 'reload',
  outcome: Exclude<CommandOutcome, { kind: 'ok' }>,
): TomcatPdError {
  const command = spec[which].join(' ');
  switch (outcome.kind) {
    case 'aborted':
      return new AbortedError(`Balancer ${spec.name}: stopped during nginx's ${which} (${command}).`);
    case 'timed-out':
      return new ConnectionError(
        `Balancer ${spec.name}: nginx's ${which} (${command}) did not end within ${spec.timeoutMs} ms.`,
        { transient: true, reason: `${which} timed out`, networkCode: NO_ANSWER },
      );
    case 'not-run':
      return new BalancerError(
        `Balancer ${spec.name}: nginx's ${which} command could not run: ${outcome.reason}.`,
        { balancer: spec.name, member, answer: outcome.reason },
      );
    case 'failed': {
      const answer = shorten(outcome.stderr) || `exit code ${outcome.exitCode ?? 'none'}`;
      return new BalancerError(
        `Balancer ${spec.name}: nginx's ${which} (${command}) failed, nothing changed for ${member}: ${answer}`,
        { balancer: spec.name, member, answer },
      );
    }
  }
}

/** nginx's stderr on one line, at most 400 characters. */
export function shorten(stderr: string): string {
  const text = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' / ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}
