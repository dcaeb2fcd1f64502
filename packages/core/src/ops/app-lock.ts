import { inTurn } from '../common/in-turn.js';

/**
 * Serialises operations on one (Manager, app) within this process. Tomcat answers a second
 * request for a name it is still servicing with `FAIL - The application [/app##3] is already
 * being serviced` and then a misleading second line, and two concurrent `update=true` deploys
 * of one version can delete its WAR (docs/tomcat-manager.md#already-being-serviced, #concurrent-update).
 */
export function withAppLock<T>(managerUrl: string, path: string, work: () => Promise<T>): Promise<T> {
  return inTurn(`app ${managerUrl} ${path}`, work);
}
