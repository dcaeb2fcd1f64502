import { describe, expect, it } from 'vitest';
import { coloursDocument, renderColours } from '../../src/render/colours.js';
import type { RestartSeen } from '../../src/restart-record.js';

const targets = ['web1', 'web2', 'web3'];
const told = { told: true, colours: { live: ['web2'], draining: ['web1'], idle: ['web3'] } } as const;
const restart: RestartSeen = {
  state: 'running',
  record: {
    pid: 7,
    host: 'ctl1',
    started: '2026-12-07T19:00:00.000Z',
    targets,
    target: 'web2',
    step: 'exec',
    done: ['web1'],
  },
};

describe('colours', () => {
  it('a line per target with its colour, in the targets order, then the restart in progress', () => {
    expect(renderColours(told, targets, restart)).toBe(
      [
        'TARGET  COLOUR',
        'web1    draining',
        'web2    live',
        'web3    idle',
        'restart in progress: web2 at step exec (1 of 3 done) since 2026-12-07T19:00:00.000Z (pid 7 on ctl1)',
      ].join('\n'),
    );
  });

  it('says why the colours cannot be told: all ready, mixed, no member, none live, a balancer unread', () => {
    const untold = (untold: Parameters<typeof renderColours>[0]) => renderColours(untold, targets, undefined);
    expect(untold({ told: false, untold: { reason: 'none-idle' } })).toBe(
      'Colours: all ready (every target takes new visitors)',
    );
    expect(
      untold({
        told: false,
        untold: { reason: 'mixed', mixed: [{ target: 'web2', states: { lb1: 'maint', lb2: 'ready' } }] },
      }),
    ).toBe('Colours: web2 differs between balancers (lb1 maint, lb2 ready)');
    expect(untold({ told: false, untold: { reason: 'no-member', targets: ['web3'] } })).toBe(
      'Colours: web3 on no balancer',
    );
    expect(untold({ told: false, untold: { reason: 'none-live' } })).toMatch(/no target takes new visitors/);
    expect(untold({ told: false, untold: { reason: 'unread', balancers: ['lb2'] } })).toBe(
      'Colours: not known while lb2 cannot be read',
    );
  });

  it('the JSON: told with the three lists, or the reason; the record or null', () => {
    expect(coloursDocument(told, undefined)).toEqual({
      colours: { told: true, live: ['web2'], draining: ['web1'], idle: ['web3'] },
      restart: null,
    });
    expect(coloursDocument({ told: false, untold: { reason: 'none-idle' } }, restart)).toEqual({
      colours: { told: false, reason: 'none-idle' },
      restart: { state: 'running', ...restart.record },
    });
  });
});
