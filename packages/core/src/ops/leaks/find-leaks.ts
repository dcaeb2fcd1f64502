/**
 * The leak report after an operation that undeployed versions: which context paths Tomcat says
 * still have a class loader in memory, and which of the versions just undeployed each could be
 * (docs/tomcat-manager.md#findleaks).
 */
import { validateContextPath } from '../../versions/context-name.js';
import type { ManagerClient } from '../../manager/manager-client.js';

/** One undeployed version, as an operation's result names it (`version: ''` is unversioned). */
export interface UndeployedVersion {
  path: string;
  version: string;
}

/** Options of {@link findLeaksAfter}. */
export interface FindLeaksAfterOptions {
  /** The versions the operation undeployed (or stopped): the suspects for the paths Tomcat names. */
  undeployed: readonly UndeployedVersion[];
  signal?: AbortSignal | undefined;
}

/** One context path Tomcat names in `findleaks`. */
export interface LeakedApp {
  /** The context path Tomcat names (it names no version). */
  path: string;
  /** The versions of that path that this operation undeployed: the leak is one of them, or an older undeploy of the same path. */
  undeployedNow: string[];
}

/** What {@link findLeaksAfter} found on one target. */
export interface LeakReport {
  /** The client's name. */
  target: string;
  /** Every path Tomcat names, also paths this operation did not touch (`undeployedNow: []`), in Tomcat's order. */
  leaks: LeakedApp[];
}

/**
 * Asks Tomcat which stopped contexts' class loaders are still in memory (`findleaks`) and ties
 * each path it names to the versions of that path in `undeployed`.
 *
 * Why the link is "one of them" and no more: Tomcat names context paths without versions
 * (StandardHost's MemoryLeakTrackingListener keeps `getContextPath()`), and it names every
 * class loader that has leaked since the JVM started (stopped, reloaded or undeployed, by this
 * operation or long before), once per class loader: two leaked versions of `/shop` are `/shop`
 * twice (recorded: `findleaks-two-versions.txt`). A path named with `undeployedNow: []` leaked
 * earlier, or was stopped or reloaded; a version in `undeployed` whose path is not named was
 * unloaded cleanly.
 *
 * It **forces a full GC on the server** (see `ManagerClient.findLeaks`): call it once, after the
 * undeploys, never in a loop. ROOT is `/` in both `undeployed` and the report (`/ROOT` is read as
 * `/`).
 *
 * @throws TomcatPdError `E_USAGE` for an invalid path in `undeployed`, before any request;
 *   otherwise what `ManagerClient.findLeaks` throws.
 */
export async function findLeaksAfter(
  client: ManagerClient,
  options: FindLeaksAfterOptions,
): Promise<LeakReport> {
  // Checked and normalised before the GC is forced: `/ROOT` is Tomcat's other name for `/`.
  const undeployed = options.undeployed.map((ref) => ({
    path: validateContextPath(ref.path),
    version: ref.version,
  }));
  const { leakedPaths } = await client.findLeaks({ signal: options.signal });
  const leaks = leakedPaths.map((path) => ({
    path,
    undeployedNow: [...new Set(undeployed.filter((ref) => ref.path === path).map((ref) => ref.version))],
  }));
  return { target: client.name, leaks };
}
