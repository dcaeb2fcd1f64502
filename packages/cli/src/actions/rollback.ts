import {
  fleetRunContextOf,
  parseRollbackOptions,
  runFleetRollback,
  type RollbackSpec,
} from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { RollbackFlags } from '../commands/rollback.js';
import type { CliContext } from '../context.js';
import type { ChangeDone, ChangeStart } from '../events/change-event.js';
import { blueGreenChoiceOf, type BlueGreenChoice } from '../flags/blue-green-flags.js';
import { refuseStrayOptions } from '../flags/flag-values.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import { renderRollback, rollbackDocument } from '../render/rollback.js';
import { throwIfUnhealthy } from '../unhealthy.js';
import { appLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

/** A rollback's checked command line: the rollback's spec, and blue/green when asked for. */
export interface RollbackInput {
  spec: RollbackSpec;
  blueGreen: BlueGreenChoice | undefined;
}

export function parse({ flags, defaults }: CommandLine<RollbackFlags>): RollbackInput {
  const blueGreen = blueGreenChoiceOf(flags);
  if (blueGreen !== undefined) {
    // A blue/green rollback switches colours: it removes, stops and frees nothing, and its probe
    // proves the other colour serves as `lb ready` does (2xx or 3xx), before it is made ready.
    refuseStrayOptions(
      [
        ['--to', flags.to],
        ['--stop', flags.stop],
        ['--check-leaks', flags.checkLeaks],
        ['--expect', flags.expect],
        ['--expect-status', flags.expectStatus],
        ['--probe-timeout', flags.probeTimeout],
      ],
      (flag) => `${flag} does not work with --blue-green, which only switches back to the other colour.`,
    );
  }
  const spec = parseRollbackOptions({
    path: requirePath(flags.path, defaults),
    to: flags.to,
    stop: flags.stop,
    // The config's defaults.probe is for deploys; after a rollback only --probe asks for one.
    probe: probeOptionsOf(flags, {}, { smoke: false }).probe,
    checkLeaks: flags.checkLeaks,
  });
  return { spec, blueGreen };
}

/** A rollback's event: the version it goes back to when `--to` names it; the end says which is live. */
export function change({ spec }: RollbackInput): ChangeStart {
  return { event: 'rollback', app: spec.path, version: spec.plan.to };
}

/** A rollback holds the app's lock on every selected target. */
export function lock({ spec }: RollbackInput): LockRequest {
  return appLock('rollback', spec.path);
}

/**
 * `tomcat-pd rollback --path P [--to V] [--stop] [--check-leaks]` on every selected target. If any
 * target would be left without an older running version, the core refuses and nothing changes
 * anywhere. With `--blue-green`, the switch back to the other colour (loaded only then).
 */
export async function run(context: CliContext, { spec, blueGreen }: RollbackInput): Promise<ChangeDone> {
  if (blueGreen !== undefined) {
    const { runRollbackBlueGreen } = await import('./rollback-blue-green.js');
    await runRollbackBlueGreen(context, spec, blueGreen);
    return {};
  }
  const result = await runFleetRollback(
    await context.clients(),
    spec,
    fleetRunContextOf({ parallel: context.parallel, signal: context.signal, logger: context.output.logger }),
  );
  context.output.result(rollbackDocument(result), () => renderRollback(result.targets));
  // After the result, on stderr: with --stop the warning is the part a person must act on.
  // Once each: with --stop, targets that stopped the same versions give the same warning.
  for (const warning of new Set(result.targets.flatMap((target) => target.warnings))) {
    context.output.warn(warning);
  }
  throwIfUnhealthy(
    result.targets.flatMap((target) => target.probes),
    'rollback',
  );
  // The version now live, when it is the same on every target (as it is unless they differed before).
  const live = new Set(result.targets.map((target) => target.live));
  return live.size === 1 ? { version: [...live][0] } : {};
}
