import type { AbortRolloutResult, PausedDeploy, RolloutRecord } from '@tomcat-pd/core/internal';

/** A paused rollout in a deploy's or a promote's JSON: where it stopped and what is left. */
export function pausedDocument(paused: PausedDeploy) {
  return {
    afterStep: paused.afterStep,
    steps: paused.steps,
    took: paused.took,
    remaining: paused.remaining.map((wave) => ({
      targets: wave.targets,
      pause: wave.pause === undefined ? null : wave.pause.pause === 'manual' ? 'manual' : wave.pause.ms,
    })),
  };
}

/**
 * `paused after step 1 of 3: promote or abort (tomcat-pd promote --path /shop shop.war |
 * tomcat-pd abort --path /shop)`: what a paused deploy (or promote) ends with.
 */
export function renderPaused(path: string, warFile: string, paused: PausedDeploy): string {
  return (
    `paused after step ${paused.afterStep} of ${paused.steps}: promote or abort ` +
    `(tomcat-pd promote --path ${path} ${warFile} | tomcat-pd abort --path ${path})`
  );
}

/** `paused after step 1 of 3 by alice@ci since 2026-12-08 00:10 UTC: promote or abort`: status and serve. */
export function pausedRolloutLine(record: RolloutRecord): string {
  const since = `${record.pausedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return (
    `${record.path} version ${record.version}: paused after step ${record.afterStep} of ${record.steps} ` +
    `by ${record.actor} since ${since}: promote or abort`
  );
}

/** A paused rollout as status lists it in JSON. */
export function pausedRolloutDocument(record: RolloutRecord) {
  return {
    path: record.path,
    version: record.version,
    afterStep: record.afterStep,
    steps: record.steps,
    took: record.took,
    actor: record.actor,
    pausedAt: record.pausedAt.toISOString(),
  };
}

/** The JSON document of an abort: each target of the rollout, and whether the version was there. */
export function abortDocument(result: AbortRolloutResult) {
  return { path: result.path, version: result.version, targets: result.targets };
}

/** `Aborted the rollout of /shop version 004: undeployed from web1, web2 (not on web3).` */
export function renderAbort(result: AbortRolloutResult): string {
  const names = (outcome: 'undeployed' | 'absent') =>
    result.targets.flatMap((target) => (target.outcome === outcome ? [target.target] : []));
  const undeployed = names('undeployed');
  const absent = names('absent');
  const aborted = `Aborted the rollout of ${result.path} version ${result.version}`;
  if (undeployed.length === 0) return `${aborted}: it was on no target.`;
  return `${aborted}: undeployed from ${undeployed.join(', ')}${absent.length === 0 ? '' : ` (not on ${absent.join(', ')})`}.`;
}
