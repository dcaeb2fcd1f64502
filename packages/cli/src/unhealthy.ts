import { ProbeError, type ProbeResult } from '@tomcat-pd/core';

/**
 * After a rollback, an undeploy or a drain (whose report was printed), a probe that failed ends
 * the command with exit 1 (`E_PROBE`), saying what is live and what it answered.
 */
export function throwIfUnhealthy(probes: readonly ProbeResult[], operation: string): void {
  const failed = probes.filter((probe) => !probe.ok);
  const [first] = failed;
  if (first === undefined) return;
  const { version, path, target, url } = first;
  const message =
    version === undefined
      ? `After the ${operation}, no version of ${path} is running on ${target}, so nothing answers ${url}.`
      : `After the ${operation}, ${version === '' ? `the unversioned ${path}` : `version ${version} of ${path}`} is live on ${target}, but it did not answer healthy: ${url} ${first.detail ?? 'failed'}.`;
  throw new ProbeError(
    message,
    failed,
    'Nothing was redeployed: check the app, then roll back or deploy a fixed build.',
  );
}
