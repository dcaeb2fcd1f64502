import { AbortedError, BalancerError } from '../../errors/error-classes.js';
import type { SpecOf } from '../balancer-options.js';
import type { BalancerDriver, DriverCallOptions } from '../balancer-driver.js';
import type { BalancerReading } from '../member-state.js';
import { checkNginxSpec } from './check-nginx-spec.js';
import { renderNginxFile } from './nginx-file.js';
import { fileError, findManagedFile, nextState } from './nginx-state.js';
import { sendNginx } from './nginx-send.js';
import { writeFileAtomically } from './managed-file.js';
import { inTurn } from '../../common/in-turn.js';

export { NGINX_NAMES, renderNginxFile, type NginxFileState, type NginxFileMember } from './nginx-file.js';
export { parseNginxFile, type ParsedNginxFile } from './parse-nginx-file.js';

/**
 * The driver of an open-source nginx (1.22 has no runtime API, no `sticky`, no `drain`): the
 * file tomcat-pd owns is the source of truth of every member's admin state; a change rewrites
 * it, has nginx test it, reloads and waits until nginx serves it (docs/balancers/nginx.md).
 * nginx has no health checks of its own, so every member's health is `unchecked`.
 * @throws UsageError when a member name is no jvmRoute or an address no `host:port`.
 */
export function createNginxDriver(spec: SpecOf<'nginx'>): BalancerDriver {
  checkNginxSpec(spec);
  return {
    name: spec.name,
    type: 'nginx',
    address: spec.file,
    read: (options?: DriverCallOptions) => readNginx(spec, options),
    send: async (member, state, options) => {
      // Two changes of one file in this process must not both read the old file, the second undoing the first.
      await inTurn(`nginx ${spec.file}`, () => sendNginx(spec, member, state, options?.signal));
    },
  };
}

/** The file's members and generation. @throws BalancerError when the file is missing or not ours. */
async function readNginx(spec: SpecOf<'nginx'>, options?: DriverCallOptions): Promise<BalancerReading> {
  if (options?.signal?.aborted)
    throw new AbortedError(`Balancer ${spec.name}: stopped before reading ${spec.file}.`);
  const { state } = await findManagedFile(spec);
  if (state === undefined) {
    throw new BalancerError(
      `Balancer ${spec.name}: the file tomcat-pd owns, ${spec.file}, is missing.`,
      { balancer: spec.name, answer: 'no file' },
      {
        hint: `Write it (all members ready) with writeInitialNginxFile, and include it in nginx's http block.`,
      },
    );
  }
  return {
    balancer: spec.name,
    type: 'nginx',
    generation: state.generation,
    members: state.members.map(({ name, admin }) => ({ name, admin, health: 'unchecked' })),
  };
}

/**
 * Writes the managed file with every member ready, when there is none yet: nginx does not start
 * while an included file is missing. An existing file of this balancer's is kept as it is (its
 * states are the truth); another file there is refused. Nothing is reloaded.
 * @returns `written`, or `kept` when the file was there.
 * @throws BalancerError when the file there is not tomcat-pd's for this balancer.
 */
export async function writeInitialNginxFile(spec: SpecOf<'nginx'>): Promise<'written' | 'kept'> {
  checkNginxSpec(spec);
  const found = await findManagedFile(spec);
  if (found.text !== undefined) return 'kept';
  await writeFileAtomically(spec.file, renderNginxFile(nextState(spec, undefined))).catch(
    (error: unknown) => {
      throw fileError(spec, 'write', error);
    },
  );
  return 'written';
}
