import type { FleetDeployResult } from '@tomcat-pd/core';
import { UsageError } from '@tomcat-pd/core/errors';
import {
  abortRollout,
  encodeRolloutRecord,
  fleetRunContextOf,
  toTomcatPdError,
  type FleetDeploySpec,
  type HeldLock,
  type PausedDeploy,
  type RolloutRecord,
} from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import { currentActor } from '../events/change-event.js';
import { deployDocument, renderDeploy } from '../render/deploy.js';
import { pausedDocument, renderPaused } from '../render/paused-rollout.js';

/** What a paused rollout's record keeps of the deploy that started it. */
export type RecordBase = Pick<RolloutRecord, 'path' | 'version' | 'buildId' | 'probe' | 'analysis' | 'tag'>;

/** The deploy's part of its record: the version it chose, and the checks each step runs. */
export function recordBase(spec: FleetDeploySpec, version: string): RecordBase {
  const request = spec.plan.version;
  return {
    path: spec.path,
    version,
    buildId: request.kind === 'counter' ? request.buildId : undefined,
    probe: spec.probe,
    analysis: spec.analysis,
    tag: spec.tag,
  };
}

/** The record of a rollout paused now, by this process's actor. */
export function pausedRecord(base: RecordBase, paused: PausedDeploy): RolloutRecord {
  return { ...base, ...paused, actor: currentActor(), pausedAt: new Date() };
}

/**
 * Keeps the lock as the paused rollout's on every target, with its record: a promote or an
 * abort from any machine takes it over from there (docs/lock.md). A rollout that cannot be
 * recorded could be neither: its version is undeployed again (all or nothing), then the error
 * is thrown with what became of it.
 */
export async function pauseRollout(context: CliContext, record: RolloutRecord): Promise<void> {
  try {
    await heldLock(context).pause(encodeRolloutRecord(record));
  } catch (error) {
    const failure = toTomcatPdError(error);
    const undone = await abortRollout(
      await context.clients(),
      record,
      fleetRunContextOf({ parallel: context.parallel, logger: context.output.logger }),
    ).then(
      () => `so version ${record.version} was undeployed again from every target that took it.`,
      (undoError: unknown) =>
        `and version ${record.version} could not be undeployed everywhere (${toTomcatPdError(undoError).message}): ` +
        'check status, and undeploy it where it is listed.',
    );
    throw failure.withNote(`The paused rollout could not be kept on the targets, ${undone}`);
  }
}

/** The lock the command runs in: every command that can pause a rollout declares one. */
export function heldLock(context: CliContext): HeldLock {
  const held = context.heldLock;
  if (held === undefined)
    throw new Error('A rollout can pause only inside the lock: the command declares none.');
  return held;
}

/**
 * A deploy's (or a promote's) result; one that a manual pause stopped also says where (`paused`
 * in the document), and how to go on.
 */
export function reportDeploy(context: CliContext, result: FleetDeployResult, warFile: string): void {
  const { paused } = result;
  if (paused === undefined) {
    context.output.result(deployDocument(result), () => renderDeploy(result));
    return;
  }
  context.output.result({ ...deployDocument(result), paused: pausedDocument(paused) }, () =>
    [renderDeploy(result), renderPaused(result.path, warFile, paused)].join('\n'),
  );
}

/**
 * The paused rollout a promote or an abort took over, read. Nothing paused for the app is a
 * usage error (exit 2): there is nothing to go on with or to undo.
 */
export function takenOver(context: CliContext, path: string, doing: 'promote' | 'abort'): string {
  const paused = heldLock(context).paused;
  if (paused === undefined) {
    throw new UsageError(`Nothing is paused for ${path}: there is no rollout to ${doing}.`, {
      hint: 'A deploy pauses with pause in --steps (1,pause,100%); tomcat-pd status shows a paused rollout.',
    });
  }
  return paused.payload;
}

/**
 * Runs `work`, which changes nothing when it fails (or leaves the version where an abort can
 * remove it on a second try): on a failure the lock is kept paused with the same record, so
 * that the rollout can still be promoted or aborted.
 */
export async function stillPausedOnFailure<T>(
  context: CliContext,
  payload: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await heldLock(context)
      .pause(payload)
      .catch((pauseError: unknown) => {
        context.output.warn(
          `The rollout could not be kept paused: ${toTomcatPdError(pauseError).message} Its lock expires; then deploy again or undeploy its version.`,
        );
      });
    throw error;
  }
}
