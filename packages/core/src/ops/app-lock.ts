/**
 * Serialises operations on one (Manager, app) within this process. Tomcat answers a second
 * request for a name it is still servicing with `FAIL - The application [/app##3] is already
 * being serviced` and then a misleading second line, and two concurrent `update=true` deploys
 * of one version can delete its WAR (docs/tomcat-manager.md#already-being-serviced, #concurrent-update).
 */
const tails = new Map<string, Promise<unknown>>();

export async function withAppLock<T>(managerUrl: string, path: string, work: () => Promise<T>): Promise<T> {
  const key = `${managerUrl} ${path}`;
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  const tail = current.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    // Forget the key once nothing else queued behind this operation.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
