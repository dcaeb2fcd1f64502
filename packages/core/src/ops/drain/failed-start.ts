import type { AppStatus, VersionStatus } from '../app-status.js';

// A docBase in appBase is a bare name (`shop##004`, `shop##004.war`); one with a separator is a
// descriptor's docBase elsewhere on disk, about which `list` tells nothing.
const inAppBase = (name: string): boolean => !/[\\/]/.test(name);
const isWar = (name: string): boolean => /\.war$/i.test(name);

/**
 * Whether a stopped version is a context that failed to start before Tomcat could even unpack
 * its WAR: its docBase is still the WAR (`shop##004.war`) while the live version runs from its
 * unpacked directory (so the Host unpacks WARs, `unpackWARs`, Tomcat's default).
 *
 * Why that tells a failed start from a version stopped on purpose: Tomcat replaces a context's
 * docBase `x.war` by the unpacked directory while the context starts (ContextConfig `fixDocBase`),
 * so every version that ever ran, a roll-forward target stopped by `rollback --stop` included,
 * lists the directory. A stopped one listed with the WAR's name never got that far: a corrupt
 * WAR, or the half-written WAR of an upload cut off by a crash, which Tomcat keeps in appBase and
 * deploys again at every restart as a stopped context (docs/tomcat-manager.md#failed-before-unpacking). It can
 * never run, so it is debris, not something to roll forward to.
 *
 * A context in the middle of its start (another deploy, unpacking a large WAR) still has the
 * WAR's name as well; but until its deploy ends Tomcat refuses to undeploy it: HostConfig has not
 * recorded it as deployed yet (`FAIL - Context [...] is defined in server.xml and may not be
 * undeployed`) and holds its name as serviced (`FAIL - The application [...] is already being
 * serviced`). The drain reports that as a failed step, never a removal, and decides again on
 * its next run.
 *
 * Undecidable (false) when the live version is not unpacked in appBase (`unpackWARs="false"`: a
 * stopped roll-forward target is listed as its WAR too) or no version runs. Not caught: a WAR
 * that unpacked and then failed (a listener that throws) lists its directory like a stopped
 * roll-forward target, so it stays for an explicit undeploy; and a WAR whose own context.xml says
 * `unpackWAR="false"` would, once stopped, look like debris (rare, and only such a WAR).
 */
export function failedBeforeUnpacking(app: AppStatus, entry: VersionStatus): boolean {
  if (entry.state !== 'stopped' || !inAppBase(entry.name) || !isWar(entry.name)) return false;
  const live = app.versions.find((candidate) => candidate.version === app.live);
  return live !== undefined && inAppBase(live.name) && !isWar(live.name);
}
