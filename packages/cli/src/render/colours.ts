/**
 * The colours of the targets behind the balancers (which is live, draining, idle), as `status`,
 * `lb status` and serve show them, and the restart in progress beside them. Types only of the
 * balancers' layer: what loads this loads none of its code.
 */
import type { LbColours } from '@tomcat-pd/core/balancers';
import { restartRecordDocument, restartText, type RestartSeen } from '../restart-record.js';
import { renderTable } from './table.js';

export type Colour = 'live' | 'draining' | 'idle';

/** Why the colours cannot be told, in words; all ready is the usual case between releases. */
export function untoldText(untold: Extract<LbColours, { told: false }>['untold']): string {
  switch (untold.reason) {
    case 'none-idle':
      return 'all ready (every target takes new visitors)';
    case 'none-live':
      return 'none is ready on the balancers: no target takes new visitors';
    case 'no-member':
      return `${untold.targets.join(', ')} on no balancer`;
    case 'mixed':
      return untold.mixed
        .map(
          ({ target, states }) =>
            `${target} differs between balancers (${Object.entries(states)
              .map(([balancer, state]) => `${balancer} ${state}`)
              .join(', ')})`,
        )
        .join('; ');
    case 'unread':
      return `not known while ${untold.balancers.join(', ')} cannot be read`;
  }
}

/** Each target's colour, in `targets`' order; none when the colours cannot be told. */
function colourOf(colours: LbColours, targets: readonly string[]): Map<string, Colour> {
  if (!colours.told) return new Map();
  const { live, draining, idle } = colours.colours;
  const of = (target: string): Colour | undefined =>
    live.includes(target)
      ? 'live'
      : draining.includes(target)
        ? 'draining'
        : idle.includes(target)
          ? 'idle'
          : undefined;
  return new Map(
    targets.flatMap((target) => {
      const colour = of(target);
      return colour === undefined ? [] : [[target, colour] as const];
    }),
  );
}

/**
 * The part for people: a line per target with its colour, or one line saying why the colours
 * cannot be told; then the restart in progress, if any.
 */
export function renderColours(
  colours: LbColours,
  targets: readonly string[],
  restart: RestartSeen | undefined,
): string {
  const told = colourOf(colours, targets);
  const lines = colours.told
    ? [
        renderTable(
          ['TARGET', 'COLOUR'],
          [...told].map(([target, colour]) => [target, colour]),
        ),
      ]
    : [`Colours: ${untoldText(colours.untold)}`];
  if (restart !== undefined) lines.push(restartText(restart));
  return lines.join('\n');
}

/**
 * The colours in a JSON document: `{ told: true, live, draining, idle }` or `{ told: false,
 * reason, ... }`, and the restart's record (`null` without one).
 */
export function coloursDocument(colours: LbColours, restart: RestartSeen | undefined) {
  return {
    colours: colours.told ? { told: true, ...colours.colours } : { told: false, ...colours.untold },
    restart: restartRecordDocument(restart),
  };
}
