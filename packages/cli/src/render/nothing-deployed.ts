/**
 * What a report says of a target that answered with nothing to show: no application at all, or
 * (with `--path`) no version of that one. Alone: `No version of /shop is deployed on web1.`;
 * with several targets, a note below the table: `web1: no version of /shop is deployed.`
 */
export function nothingDeployed(target: string, path: string | undefined, several: boolean): string {
  const what = path === undefined ? 'no application is deployed' : `no version of ${path} is deployed`;
  return several ? `${target}: ${what}.` : `${what.charAt(0).toUpperCase()}${what.slice(1)} on ${target}.`;
}
